package io.sensorpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.aws.AwsErrors;
import io.sensorpipe.testkit.TestCloud;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a user sees when the cloud, the region or the table is not there: the CLI in its own JVM with the given
 * environment, as {@code scripts/query} and {@code scripts/dashboard} run it. One line on stderr, exit code 1.
 */
class CliErrorsIT {
    record Result(int exit, String stdout, String stderr) {
    }

    private static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), SensorpipeCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        // no ~/.aws/config region, no instance metadata lookups: only what the test passes
        pb.environment().put("AWS_CONFIG_FILE", "/nonexistent/sensorpipe-test");
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/sensorpipe-test");
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("CLI did not finish: " + String.join(" ", args));
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static void assertOneLineError(Result r, String expectedStart) {
        assertThat(r.exit()).as("exit code, stderr: %s", r.stderr()).isEqualTo(1);
        assertThat(r.stderr().strip()).as("stderr").startsWith(expectedStart).doesNotContain("\n")
                .doesNotContain("Exception");
    }

    @Test
    void aTableThatDoesNotExistIsOneLineSayingToCreateIt() throws Exception {
        try (TestCloud cloud = TestCloud.connect()) {
            String table = cloud.uniqueName("no-such-table");
            Result r = run(cloud.environment(), "query", "latest", "--table", table);
            assertOneLineError(r, "error: ");
            assertThat(r.stderr()).contains(table).contains("create the resources first");

            Result dashboard = run(cloud.environment(), "dashboard", "--port", "0", "--table", table);
            assertOneLineError(dashboard, "error: ");
            assertThat(dashboard.stderr()).contains("create the resources first");
        }
    }

    @Test
    void aStoppedCloudIsOneLineSayingHowToStartIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> env = new HashMap<>(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:" + port,
                "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
                "AWS_MAX_ATTEMPTS", "1"));
        Result r = run(env, "query", "latest");
        assertOneLineError(r, "error: cannot connect to http://127.0.0.1:" + port + ": " + AwsErrors.LOCAL_CLOUD_FIX);
    }

    @Test
    void noRegionIsOneLineNotAStackTrace() throws Exception {
        Result r = run(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"), "query", "latest");
        assertOneLineError(r, "error: no AWS region configured: " + AwsErrors.LOCAL_CLOUD_FIX);
    }
}
