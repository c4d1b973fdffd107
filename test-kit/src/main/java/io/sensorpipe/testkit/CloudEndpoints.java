package io.sensorpipe.testkit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the tests' cloud is, read from the standard {@code AWS_ENDPOINT_URL} / {@code AWS_ENDPOINT_URL_<SERVICE>}
 * variables (a JVM system property of the same name wins, so a JUnit extension can point the tests at a cloud it
 * started). Checked before any client is built: a missing {@code AWS_ENDPOINT_URL} would send the tests to real AWS
 * with whatever credentials the machine has, and a remote endpoint could be a billed account, so both are refused
 * unless {@value #ALLOW_REMOTE}{@code =true}.
 */
public final class CloudEndpoints {
    /** Set to {@code true} to run the ITs against a non-loopback endpoint or real AWS (they create resources). */
    public static final String ALLOW_REMOTE = "SENSORPIPE_TEST_ALLOW_REMOTE";
    public static final String GENERAL = "AWS_ENDPOINT_URL";
    /** How to get a local cloud, appended to every refusal. */
    static final String HOW_TO_START = "start the local cloud (localstack/local-cloud.sh start) and "
            + "eval \"$(localstack/local-cloud.sh env)\"";

    private final Map<String, String> variables;
    private final boolean allowRemote;

    CloudEndpoints(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
        this.allowRemote = "true".equalsIgnoreCase(variables.get(ALLOW_REMOTE));
    }

    /** The process environment overlaid with system properties of the same names. */
    public static CloudEndpoints fromEnvironment() {
        Map<String, String> vars = new TreeMap<>(System.getenv());
        System.getProperties().forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith("AWS_") || key.startsWith("SENSORPIPE_")) {
                vars.put(key, v.toString());
            }
        });
        return new CloudEndpoints(vars);
    }

    public boolean allowRemote() {
        return allowRemote;
    }

    /** A variable's value, or null when unset or blank. */
    public String variable(String name) {
        String v = variables.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /**
     * The endpoint for a service, by its variable suffix ({@code KINESIS}, {@code DYNAMODB}, {@code DYNAMODB_STREAMS},
     * {@code S3}, ...): {@code AWS_ENDPOINT_URL_<SERVICE>}, else {@code AWS_ENDPOINT_URL}; null only when remote is
     * allowed and neither is set (the SDK then resolves the real AWS endpoint).
     */
    public URI endpoint(String service) {
        String specific = variable(GENERAL + "_" + service);
        return specific != null ? URI.create(specific) : general();
    }

    URI general() {
        String general = variable(GENERAL);
        return general == null ? null : URI.create(general);
    }

    /** Every endpoint variable that is set, name to value. */
    public Map<String, String> endpointVariables() {
        Map<String, String> out = new LinkedHashMap<>();
        variables.forEach((k, v) -> {
            if ((k.equals(GENERAL) || k.startsWith(GENERAL + "_")) && v != null && !v.isBlank()) {
                out.put(k, v.trim());
            }
        });
        return out;
    }

    /**
     * Refuses what could reach real AWS: a missing {@code AWS_ENDPOINT_URL}, or any endpoint variable
     * (and each of {@code extraEndpointVariables}, e.g. the KPL's) whose host is not loopback.
     *
     * @throws LocalCloudUnavailable with one line naming the variable and the fix
     */
    public void requireLocal(String... extraEndpointVariables) {
        if (allowRemote) {
            return;
        }
        if (variable(GENERAL) == null) {
            throw new LocalCloudUnavailable(GENERAL + " is not set, so the tests would create resources in real AWS: "
                    + HOW_TO_START + " (or set " + ALLOW_REMOTE + "=true if you mean it)");
        }
        Map<String, String> check = endpointVariables();
        for (String extra : extraEndpointVariables) {
            String v = variable(extra);
            if (v == null) {
                throw new LocalCloudUnavailable(extra + " is not set: " + HOW_TO_START);
            }
            check.put(extra, v);
        }
        check.forEach((name, value) -> {
            if (!isLoopback(value)) {
                throw new LocalCloudUnavailable(name + "=" + value + " is not this machine; the tests only run "
                        + "against a local cloud unless " + ALLOW_REMOTE + "=true");
            }
        });
    }

    /**
     * The URL in {@code variable}, after {@link #requireLocal} (so it is set and loopback unless remote is allowed)
     * and {@link #requireReachable}: for tests that check where the SDK's own resolution sends requests.
     */
    public URI required(String variable) {
        requireLocal(variable.equals(GENERAL) ? new String[0] : new String[] {variable});
        requireReachable(variable);
        return URI.create(variable(variable));
    }

    /** Fails when nothing listens at {@code variable}'s endpoint (one TCP connect, 2 s at most). */
    public void requireReachable(String variable) {
        String value = variable(variable);
        if (value == null) {
            return;
        }
        URI uri = URI.create(value);
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), port), 2_000);
        } catch (Exception e) {
            throw new LocalCloudUnavailable("the local cloud is not running: nothing answers at " + value + " ("
                    + variable + "); " + HOW_TO_START);
        }
    }

    /** Whether the URL's host is this machine (localhost, 127.0.0.0/8, ::1); false for anything unparsable. */
    public static boolean isLoopback(String url) {
        try {
            String host = URI.create(url).getHost();
            if (host == null) {
                return false;
            }
            if (host.equalsIgnoreCase("localhost")) {
                return true;
            }
            // Literal addresses only: resolving a name could itself leave the machine.
            if (!host.matches("[0-9.]+") && !host.startsWith("[")) {
                return false;
            }
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IllegalArgumentException | UnknownHostException e) {
            return false;
        }
    }

    /** The tests cannot reach a local cloud. One line, no stack trace: the message is the whole story. */
    public static final class LocalCloudUnavailable extends AssertionError {
        public LocalCloudUnavailable(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
