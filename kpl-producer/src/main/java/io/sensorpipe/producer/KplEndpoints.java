package io.sensorpipe.producer;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one place that turns the AWS SDK's standard endpoint variables into endpoints for the KPL's native daemon.
 *
 * <p>The daemon speaks HTTPS only, so the order is: the KPL-specific TLS variable, then the SDK's service variable,
 * then {@code AWS_ENDPOINT_URL}; an {@code http://} URL is used as {@code https://} on the same host and port
 * (what LocalStack serves on 4566). No variable set means the real AWS endpoint (empty result). Certificate
 * verification is switched off only for loopback hosts, never for anything reachable from elsewhere.
 */
public final class KplEndpoints {
    public static final String KPL_KINESIS_VAR = "SENSORPIPE_KPL_KINESIS_ENDPOINT";
    public static final String KPL_STS_VAR = "SENSORPIPE_KPL_STS_ENDPOINT";

    private KplEndpoints() {
    }

    /** KPL Kinesis endpoint from {@code env}; empty means the real AWS endpoint for the region. */
    public static Optional<KplEndpoint> kinesis(Map<String, String> env) {
        return resolve(env, List.of(KPL_KINESIS_VAR, "AWS_ENDPOINT_URL_KINESIS", "AWS_ENDPOINT_URL"));
    }

    /** KPL STS endpoint from {@code env}; empty means the real AWS endpoint for the region. */
    public static Optional<KplEndpoint> sts(Map<String, String> env) {
        return resolve(env, List.of(KPL_STS_VAR, "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"));
    }

    static Optional<KplEndpoint> resolve(Map<String, String> env, List<String> variables) {
        for (String variable : variables) {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                return Optional.of(parse(variable, value.trim()));
            }
        }
        return Optional.empty();
    }

    static KplEndpoint parse(String variable, String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(variable, "is not a URL: '" + url + "'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new ConfigException(variable, "must be an http(s) URL, got '" + url + "'");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new ConfigException(variable, "has no host: '" + url + "'");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        // http:// is served as https:// on the same port by LocalStack; the KPL cannot speak plain HTTP anyway.
        int port = uri.getPort() > 0 ? uri.getPort() : 443;
        return new KplEndpoint(host, port, !isLocal(host), variable);
    }

    /**
     * Literal loopback addresses (127.0.0.0/8, ::1) and {@code localhost}: the only hosts without verification.
     * Public DNS names that happen to resolve to 127.0.0.1 (e.g. {@code localhost.localstack.cloud}) do not count:
     * whoever controls that DNS, or a resolver on the path, decides where the daemon's credentials go.
     */
    static boolean isLocal(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (!part.matches("\\d{1,3}") || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
