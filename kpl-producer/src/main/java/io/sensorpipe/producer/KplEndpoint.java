package io.sensorpipe.producer;

import java.util.Objects;

/**
 * Where the KPL's native daemon connects for one service (it speaks HTTPS only).
 *
 * @param host              host name or address
 * @param port              TLS port
 * @param verifyCertificate false only for loopback endpoints (local clouds with self-signed certificates)
 * @param source            the environment variable the endpoint came from, for error messages
 */
public record KplEndpoint(String host, int port, boolean verifyCertificate, String source) {
    public KplEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(source, "source");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public String url() {
        return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return url() + " (from " + source + (verifyCertificate ? "" : ", certificate verification off") + ")";
    }
}
