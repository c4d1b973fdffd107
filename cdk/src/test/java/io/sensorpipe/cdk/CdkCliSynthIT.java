package io.sensorpipe.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code cdk synth} with the CLI pinned in package.json, offline, exactly as a user runs it from cdk/ (cdk.json's
 * app command on the packaged classes): it must succeed and leave no unsuppressed cdk-nag error.
 */
class CdkCliSynthIT {
    private static final Path CDK_DIR = Path.of("").toAbsolutePath();
    private static final Path CLI = CDK_DIR.resolve("node_modules/.bin/cdk");

    @BeforeAll
    static void installPinnedCliOnFirstUse() throws Exception {
        if (!Files.isExecutable(CLI)) {
            Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
            assertThat(install.exitCode()).as("npm ci:\n" + install.output()).isZero();
        }
        assertThat(CLI).isExecutable();
    }

    @Test
    void pinnedCliSynthesizesOfflineWithZeroCdkNagErrors() throws Exception {
        Path out = CDK_DIR.resolve("target/cdk.out-it");
        Result synth = run(List.of(CLI.toString(), "synth", "--quiet", "--no-notices", "--ci",
                "-o", out.toString(),
                "-c", "region=eu-west-1",
                "-c", "lambdaJar=" + SynthesizedPipeline.smallJar("lambda-alerts-it"),
                "-c", "archiveTransformJar=" + SynthesizedPipeline.smallJar("firehose-archive-it"),
                "-c", "emrJar=" + SynthesizedPipeline.smallJar("emr-streaming-it"),
                "-c", "supervisorJar=" + SynthesizedPipeline.smallJar("job-supervisor-it")), 540);

        assertThat(synth.exitCode()).as("cdk synth output:\n" + synth.output()).isZero();
        assertThat(synth.output()).doesNotContain("[Error at").doesNotContain("Found errors");
        assertThat(out.resolve("sensorpipe.template.json")).isRegularFile();
        List<String> nonCompliantErrors = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("AwsSolutions-sensorpipe-NagReport.csv"), StandardCharsets.UTF_8)) {
            if (line.contains("\"Non-Compliant\"") && line.contains("\"Error\"")) {
                nonCompliantErrors.add(line);
            }
        }
        assertThat(nonCompliantErrors).isEmpty();
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("cdk-cli", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(CDK_DIR.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("CDK_DISABLE_CLI_TELEMETRY", "true");
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        Files.deleteIfExists(log);
        return new Result(process.exitValue(), output);
    }
}
