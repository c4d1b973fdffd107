package io.sensorpipe.alerts.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorpipe.alerts.AlertHandler;
import io.sensorpipe.alerts.cli.AlertsCli;
import io.sensorpipe.alerts.cooldown.AlertStateStore;
import io.sensorpipe.alerts.runner.LocalEventSourceRunner;
import io.sensorpipe.alerts.runner.RunReport;
import io.sensorpipe.schema.ResultItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Results table stream (moto) → local runner → handler → SNS (moto) → SQS subscription. */
class AlertPipelineIT {
    private static final long T0 = 1_764_072_000_000L;
    private static final Duration DRAIN = Duration.ofSeconds(30);

    private AlertRig cloud;

    @BeforeAll
    static void needsLocalCloud() {
        assertTrue(System.getenv("AWS_ENDPOINT_URL") != null,
                "AWS_ENDPOINT_URL not set: start the local cloud and eval \"$(localstack/local-cloud.sh env)\"");
    }

    @BeforeEach
    void resources() {
        cloud = new AlertRig();
    }

    @AfterEach
    void cleanUp() {
        cloud.close();
    }

    @Test
    void exactlyOneAlertPerAnomalousWindowAndNoneForNormalOnes() {
        cloud.write(AlertRig.window("site-it/pump-1/temperature", T0, 0.95, true));
        cloud.write(AlertRig.window("site-it/pump-2/temperature", T0, 0.60, true));
        cloud.write(AlertRig.window("site-it/pump-3/temperature", T0, 0.30, true));
        for (int i = 1; i <= 3; i++) {
            cloud.write(AlertRig.window("site-it/pump-" + i + "/temperature", T0 + 60_000, 0.1, false));
        }

        RunReport report = cloud.runner(cloud.handler(Duration.ofMinutes(15)), 2).drain(DRAIN);
        List<JsonNode> alerts = cloud.drainAlerts();

        assertThat(report.recordsRead()).isEqualTo(6);
        assertThat(report.filteredOut()).as("normal windows never reach the handler").isEqualTo(3);
        assertThat(report.alertsSent()).isEqualTo(3);
        assertThat(alerts).hasSize(3);
        Map<String, JsonNode> bySensor = new HashMap<>();
        alerts.forEach(a -> bySensor.put(a.at("/MessageAttributes/sensorId/Value").asText(), a));
        assertThat(bySensor).containsOnlyKeys("site-it/pump-1/temperature", "site-it/pump-2/temperature",
                "site-it/pump-3/temperature");
        JsonNode critical = bySensor.get("site-it/pump-1/temperature");
        assertThat(critical.at("/MessageAttributes/severity/Value").asText()).isEqualTo("CRITICAL");
        assertThat(critical.at("/MessageAttributes/score/Type").asText()).isEqualTo("Number");
        assertThat(critical.at("/MessageAttributes/score/Value").asText()).isEqualTo("0.950");
        assertThat(critical.at("/Subject").asText()).isEqualTo("[CRITICAL] anomaly site-it/pump-1/temperature: 20 C (expected 12.5 C)");
        assertThat(critical.at("/Message").asText()).contains("scripts/query windows --sensor site-it/pump-1/temperature");
        assertThat(bySensor.get("site-it/pump-2/temperature").at("/MessageAttributes/severity/Value").asText()).isEqualTo("MEDIUM");
        assertThat(bySensor.get("site-it/pump-3/temperature").at("/MessageAttributes/severity/Value").asText()).isEqualTo("LOW");
    }

    @Test
    void replayingTheSameStreamRecordsTwiceStillSendsOneAlert() {
        cloud.write(AlertRig.window("site-it/replay/temperature", T0, 0.8, true));
        cloud.runner(cloud.handler(Duration.ofMinutes(15)), 2).drain(DRAIN);

        // A new container and a new mapping reading from TRIM_HORIZON: every record is delivered again.
        RunReport replay = cloud.runner(cloud.handler(Duration.ofMinutes(15)), 2).drain(DRAIN);
        // The streaming job rewriting the same window (replay upstream) yields a MODIFY record of it.
        cloud.write(AlertRig.window("site-it/replay/temperature", T0, 0.8, true));
        RunReport rewrite = cloud.runner(cloud.handler(Duration.ofMinutes(15)), 2).drain(DRAIN);

        assertThat(replay.alertsSent()).isZero();
        assertThat(replay.suppressedDuplicate()).isEqualTo(1);
        assertThat(rewrite.alertsSent()).isZero();
        assertThat(rewrite.suppressedDuplicate()).isEqualTo(2);
        assertThat(cloud.drainAlerts()).hasSize(1);
    }

    @Test
    void windowsOfOneSensorInsideTheCooldownSendOneAlert() {
        String sensor = "site-it/cooldown/temperature";
        cloud.write(AlertRig.window(sensor, T0, 0.9, true));
        cloud.write(AlertRig.window(sensor, T0 + 60_000, 0.95, true));
        cloud.write(AlertRig.window(sensor, T0 + 14 * 60_000, 0.99, true));
        cloud.write(AlertRig.window(sensor, T0 + 15 * 60_000, 0.7, true)); // cooldown over

        RunReport report = cloud.runner(cloud.handler(Duration.ofMinutes(15)), 2).drain(DRAIN);
        List<JsonNode> alerts = cloud.drainAlerts();

        assertThat(report.alertsSent()).isEqualTo(2);
        assertThat(report.suppressedCooldown()).isEqualTo(2);
        assertThat(alerts).extracting(a -> a.at("/MessageAttributes/windowStart/Value").asLong())
                .containsExactlyInAnyOrder(T0, T0 + 15 * 60_000);
    }

    @Test
    void malformedRecordIsReportedAndDeadLetteredWhileTheOthersAreDelivered() {
        cloud.write(AlertRig.window("site-it/good-1/temperature", T0, 0.9, true));
        Map<String, AttributeValue> malformed = AlertRig.item(AlertRig.window("site-it/bad/temperature", T0, 0.9, true));
        malformed.put(ResultItem.ANOMALY_SCORE, AttributeValue.fromS("high"));
        cloud.writeRaw(malformed);
        cloud.write(AlertRig.window("site-it/good-2/temperature", T0, 0.9, true));

        AlertHandler handler = cloud.handler(Duration.ofMinutes(15));
        RunReport report = cloud.runner(handler, 2).drain(DRAIN);
        List<JsonNode> alerts = cloud.drainAlerts();
        List<JsonNode> deadLetters = cloud.drainDeadLetters();

        assertThat(alerts).extracting(a -> a.at("/MessageAttributes/sensorId/Value").asText())
                .containsExactlyInAnyOrder("site-it/good-1/temperature", "site-it/good-2/temperature");
        assertThat(report.alertsSent()).isEqualTo(2);
        assertThat(report.recordFailures()).as("first attempt + 2 retries").isEqualTo(3);
        assertThat(report.retries()).isEqualTo(2);
        assertThat(report.deadLettered()).isEqualTo(1);
        assertThat(deadLetters).hasSize(1);
        JsonNode dead = deadLetters.get(0);
        assertThat(dead.at("/requestContext/condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(dead.at("/DDBStreamBatchInfo/streamArn").asText()).isEqualTo(cloud.streamArn);
        assertThat(dead.at("/failedRecords")).hasSize(1);
        assertThat(dead.at("/failedRecords/0/reason").asText()).contains("malformed image").contains("anomalyScore");
        assertThat(dead.at("/failedRecords/0/record/dynamodb/Keys/sensorId/S").asText()).isEqualTo("site-it/bad/temperature");
    }

    @Test
    void runLocalCommandRunsTheHandlerAndWritesTheReportFile(@TempDir Path dir) throws Exception {
        cloud.write(AlertRig.window("site-it/cli/temperature", T0, 0.8, true));
        cloud.write(AlertRig.window("site-it/cli/temperature", T0 + 60_000, 0.8, true));
        cloud.write(AlertRig.window("site-it/cli/pressure", T0, 0.1, false));
        Path report = dir.resolve("alerts-report.json");

        int exit = new CommandLine(new AlertsCli()).execute("run-local", "--table", cloud.resultsTable,
                "--topic-arn", cloud.topicArn, "--state-table", cloud.stateTable, "--cooldown-seconds", "300",
                "--until-idle", "--duration", "30", "--report-file", report.toString());

        assertThat(exit).isZero();
        JsonNode counts = new ObjectMapper().readTree(report.toFile());
        assertThat(counts.get("recordsRead").asLong()).isEqualTo(3);
        assertThat(counts.get("filteredOut").asLong()).isEqualTo(1);
        assertThat(counts.get("alertsSent").asLong()).isEqualTo(1);
        assertThat(counts.get("suppressedCooldown").asLong()).isEqualTo(1);
        assertThat(counts.get("deadLettered").asLong()).isZero();
        assertThat(cloud.drainAlerts()).hasSize(1);
    }

    @Test
    void recordBlockedByADeadInvocationsClaimIsSentWithinTheInvocationOnceTheLeaseEnds() {
        Duration lease = Duration.ofSeconds(1);
        String sensor = "site-it/claimed/temperature";
        // another invocation claimed the window and died before publishing
        new AlertStateStore(cloud.dynamo, cloud.stateTable, Duration.ofMinutes(15), lease, Clock.systemUTC()).claim(sensor, T0);
        cloud.write(AlertRig.window(sensor, T0, 0.9, true));

        RunReport report = cloud.runner(cloud.handler(Duration.ofMinutes(15), lease, Clock.systemUTC()), 0).drain(DRAIN);

        assertThat(report.deadLettered()).as("maxRetries=0, yet the claim is waited out").isZero();
        assertThat(report.retries()).as("waited inside the invocation, not by retries (Lambda's may all come inside "
                + "the lease)").isZero();
        assertThat(report.alertsSent()).isEqualTo(1);
        assertThat(cloud.drainAlerts()).extracting(a -> a.at("/MessageAttributes/sensorId/Value").asText())
                .containsExactly(sensor);
        assertThat(cloud.drainDeadLetters()).isEmpty();
    }

    @Test
    void aWindowBlockedByADeadInvocationsClaimAndItsSensorsLaterWindowAreBothAlerted() {
        Duration lease = Duration.ofSeconds(1);
        String sensor = "site-it/ordered/temperature";
        String other = "site-it/unaffected/temperature";
        // a dead invocation's claim holds the first window; the second is past its cooldown
        new AlertStateStore(cloud.dynamo, cloud.stateTable, Duration.ofMinutes(15), lease, Clock.systemUTC()).claim(sensor, T0);
        cloud.write(AlertRig.window(sensor, T0, 0.9, true));
        cloud.write(AlertRig.window(other, T0, 0.9, true));
        cloud.write(AlertRig.window(sensor, T0 + 15 * 60_000, 0.9, true));

        RunReport report = cloud.runner(cloud.handler(Duration.ofMinutes(15), lease, Clock.systemUTC()), 0).drain(DRAIN);

        assertThat(cloud.drainAlerts()).extracting(a -> a.at("/MessageAttributes/sensorId/Value").asText() + "@"
                        + a.at("/MessageAttributes/windowStart/Value").asLong())
                .containsExactlyInAnyOrder(sensor + "@" + T0, sensor + "@" + (T0 + 15 * 60_000), other + "@" + T0);
        assertThat(report.alertsSent()).isEqualTo(3);
        assertThat(report.suppressedCooldown()).isZero();
        assertThat(report.deadLettered()).isZero();
    }

    @Test
    void startingAtLatestSkipsWindowsWrittenBeforeTheRunnerStartedAndDeliversLaterOnes() {
        cloud.write(AlertRig.window("site-it/before/temperature", T0, 0.9, true));
        LocalEventSourceRunner runner = cloud.runner(cloud.handler(Duration.ofMinutes(15)),
                cloud.settings(2).withStartingPosition("LATEST"));
        runner.pollOnce(); // the mapping is created: its shards are opened at LATEST

        cloud.write(AlertRig.window("site-it/after/temperature", T0, 0.9, true));
        RunReport report = runner.drain(DRAIN);

        assertThat(report.alertsSent()).isEqualTo(1);
        assertThat(cloud.drainAlerts()).extracting(a -> a.at("/MessageAttributes/sensorId/Value").asText())
                .containsExactly("site-it/after/temperature");
    }

    @Test
    void runLocalStoppedWithSigtermStillWritesItsReportFile(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("sigterm-report.json");
        Path log = dir.resolve("run-local.log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AlertsCli.class.getName(), "run-local",
                "--table", cloud.resultsTable, "--topic-arn", cloud.topicArn, "--state-table", cloud.stateTable,
                "--duration", "120", "--report-file", report.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitLogLine(log, "shard_opened", process);
            cloud.write(AlertRig.window("site-it/sigterm/temperature", T0, 0.9, true));
            awaitLogLine(log, "alert_sent", process);

            process.destroy(); // SIGTERM

            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("run-local exits on SIGTERM").isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(report).as("report file written on SIGTERM").exists();
        JsonNode counts = new ObjectMapper().readTree(report.toFile());
        assertThat(counts.get("recordsRead").asLong()).isEqualTo(1);
        assertThat(counts.get("alertsSent").asLong()).isEqualTo(1);
        assertThat(Files.readString(log)).contains("alerts: read=1");
    }

    private static void awaitLogLine(Path log, String text, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            assertThat(process.isAlive()).as("run-local still running; log:%n%s",
                    Files.exists(log) ? Files.readString(log) : "").isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in the run-local log within 60 s:\n" + Files.readString(log));
    }
}
