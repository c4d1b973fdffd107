package io.sensorpipe.testkit;

import cloud.localstack.Localstack;
import cloud.localstack.docker.annotation.LocalstackDockerConfiguration;
import io.sensorpipe.testkit.CloudEndpoints.LocalCloudUnavailable;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts LocalStack in Docker, once per test JVM, with {@code cloud.localstack:localstack-utils}, when the
 * {@code -Plocalstack} Maven profile asks for it (system property {@value #ENABLED}). The profile also points every
 * {@code AWS_ENDPOINT_URL*} variable of the test JVM at its edge port, so the ITs, and the components they wire, run
 * unchanged against LocalStack. localstack-utils is an optional dependency: only that profile puts it on a test
 * classpath, so this class is never loaded without it.
 */
final class LocalStackLauncher {
    /** System property the profile sets: start LocalStack before the first fixture connects. */
    static final String ENABLED = "sensorpipe.test.localstack";
    static final String IMAGE = "sensorpipe.test.localstack.image";
    static final String TOKEN = "LOCALSTACK_AUTH_TOKEN";

    private LocalStackLauncher() {
    }

    static boolean enabled() {
        return Boolean.getBoolean(ENABLED);
    }

    /**
     * Starts the container unless it runs; its edge port is the port of {@code AWS_ENDPOINT_URL}.
     *
     * @throws LocalCloudUnavailable with the fix when the token or Docker is missing
     */
    static synchronized void ensureStarted(CloudEndpoints endpoints) {
        if (Localstack.INSTANCE.isRunning()) {
            return;
        }
        String token = endpoints.variable(TOKEN);
        if (token == null) {
            throw new LocalCloudUnavailable("-Plocalstack needs " + TOKEN + " (your LocalStack token) in the "
                    + "environment; without Docker and a token run the default suite (scripts/test)");
        }
        if (!onPath("docker")) {
            throw new LocalCloudUnavailable("-Plocalstack needs Docker (the docker command was not found); "
                    + "without Docker run the default suite (scripts/test)");
        }
        URI edge = endpoints.general();
        String image = System.getProperty(IMAGE, "localstack/localstack-pro:latest");
        int colon = image.lastIndexOf(':');
        Map<String, String> env = new HashMap<>();
        env.put(TOKEN, token);
        env.put("KINESIS_SHARD_LIMIT", "500");
        Localstack.INSTANCE.startup(LocalstackDockerConfiguration.builder()
                .imageName(colon > 0 ? image.substring(0, colon) : image)
                .imageTag(colon > 0 ? image.substring(colon + 1) : "latest")
                .portEdge(Integer.toString(edge == null || edge.getPort() < 0 ? 4566 : edge.getPort()))
                .environmentVariables(env)
                .useSingleDockerContainer(true)
                .build());
        Runtime.getRuntime().addShutdownHook(new Thread(Localstack.INSTANCE::stop, "localstack-stop"));
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (new java.io.File(dir, command).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
