package io.sensorpipe.producer;

import io.sensorpipe.testkit.TestCloud;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorpipe.aws.AwsErrors;
import io.sensorpipe.schema.ReadingCodec;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** The CLI as a user runs it (a separate JVM): exit codes, error messages, report and label files, Ctrl-C. */
class ProducerCliIT {
    private static TestCloud cloud;
    private static KinesisClient kinesis;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() {
        cloud = TestCloud.connect(KplEndpoints.KPL_KINESIS_VAR, KplEndpoints.KPL_STS_VAR);
        kinesis = cloud.kinesis();
    }

    @AfterAll
    static void tearDown() {
        if (cloud != null) {
            cloud.close();
        }
    }

    /** A unique name for a stream the CLI creates (--create-stream); deleted with the fixture. */
    private static String newStream(String prefix) {
        String s = cloud.uniqueName(prefix);
        cloud.deleteOnClose(() -> kinesis.deleteStream(b -> b.streamName(s).enforceConsumerDeletion(true)));
        return s;
    }

    private record Result(int exit, String out, String err) {
    }

    private Process start(Map<String, String> envOverrides, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), ProducerCommand.class.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(tmp.resolve("err.txt").toFile());
        pb.environment().putAll(envOverrides);
        return pb.start();
    }

    private Result run(Map<String, String> envOverrides, String... args) throws Exception {
        Process p = start(envOverrides, List.of(args));
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("CLI finished").isTrue();
        return new Result(p.exitValue(), Files.readString(tmp.resolve("out.txt")), Files.readString(tmp.resolve("err.txt")));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void missingStreamFailsAtStartWithAClearError() throws Exception {
        Result r = run(Map.of(), "--stream", cloud.uniqueName("it-missing"), "--count", "10");
        assertThat(r.exit()).isEqualTo(ProducerCommand.EXIT_CONFIG);
        assertThat(r.err()).contains("configuration error: stream:").contains("does not exist")
                .contains("--create-stream");
    }

    @Test
    void unreachableKinesisEndpointFailsWithAClearError() throws Exception {
        String url = "http://127.0.0.1:" + closedPort();
        Result r = run(Map.of("AWS_ENDPOINT_URL_KINESIS", url), "--stream", "any", "--count", "10");
        assertThat(r.exit()).isEqualTo(ProducerCommand.EXIT_CONFIG);
        assertThat(r.err()).contains("configuration error: endpoint: cannot reach Kinesis at " + url)
                .contains("AWS_ENDPOINT_URL_KINESIS").contains(AwsErrors.LOCAL_CLOUD_FIX);
    }

    @Test
    void unreachableKplEndpointNamesItsVariable() throws Exception {
        String stream = cloud.createStream("it-kplport", 1);
        Result r = run(Map.of(KplEndpoints.KPL_KINESIS_VAR, "https://127.0.0.1:" + closedPort()),
                "--stream", stream, "--count", "10");
        assertThat(r.exit()).isEqualTo(ProducerCommand.EXIT_CONFIG);
        assertThat(r.err()).contains("configuration error: SENSORPIPE_KPL_KINESIS_ENDPOINT: cannot connect to https://127.0.0.1:")
                .contains(AwsErrors.LOCAL_CLOUD_FIX);
    }

    @Test
    void badRegionFailsBeforeAnyCall() throws Exception {
        Result r = run(Map.of(), "--stream", "any", "--region", "us-nowhere-9");
        assertThat(r.exit()).isEqualTo(ProducerCommand.EXIT_CONFIG);
        assertThat(r.err()).contains("configuration error: region: 'us-nowhere-9' is not a known AWS region");
    }

    @Test
    void simulatorRunWritesABalancedReportFileAndGroundTruthLabels() throws Exception {
        String stream = newStream("it-cli-sim");
        Path report = tmp.resolve("report.json");
        Result r = run(Map.of(), "--stream", stream, "--create-stream", "--shards", "1", "--sensors", "40",
                "--count", "3000", "--speed", "0", "--anomaly-rate", "0.01", "--seed", "5",
                "--run-dir", tmp.resolve("run").toString(), "--report-file", report.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("produced=3000 acknowledged=3000 failed=0");
        JsonNode json = ReadingCodec.MAPPER.readTree(report.toFile());
        assertThat(json.get("produced").asLong()).isEqualTo(3000);
        assertThat(json.get("acknowledged").asLong()).isEqualTo(3000);
        assertThat(json.get("failed").asLong()).isZero();
        List<String> labels = Files.readAllLines(tmp.resolve("run/labels.csv"));
        assertThat(labels.get(0)).isEqualTo("sensorId,kind,startTs,endTs,magnitude");
        assertThat(labels.size()).isGreaterThan(5);
    }

    @Test
    void csvReplayPublishesEveryRowOfEveryFile() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("csv/realTweets"));
        for (String name : List.of("a", "b")) {
            StringBuilder b = new StringBuilder("timestamp,value\n");
            // one-minute rows at --speed 0: each takes a KPL round trip under the order bound (--max-disorder)
            for (int i = 0; i < 60; i++) {
                b.append(String.format("2015-02-26 %02d:%02d:00,%d%n", i / 60, i % 60, i));
            }
            Files.writeString(data.resolve(name + ".csv"), b);
        }
        String stream = newStream("it-cli-csv");
        Result r = run(Map.of(), "--stream", stream, "--create-stream", "--shards", "1", "--source", "csv",
                "--csv", tmp.resolve("csv").toString(), "--speed", "0", "--shift-to-now",
                "--run-dir", tmp.resolve("run").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("produced=120 acknowledged=120 failed=0");
        assertThat(r.err()).contains("replaying 2 CSV series");
    }

    @Test
    void csvRowsThatAreNotReadingsAreCountedAndNamedAndAFileOfNothingElseFails() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("mixed"));
        Files.writeString(data.resolve("a.csv"), "timestamp,value\n2015-02-26 00:00:00,1\n2015-02-26 00:05:00;2\n"
                + "2015-02-26 00:10:00,three\n2015-02-26 00:15:00,4\n");
        String stream = newStream("it-cli-csvbad");
        Result mixed = run(Map.of(), "--stream", stream, "--create-stream", "--shards", "1", "--source", "csv",
                "--csv", data.toString(), "--speed", "0", "--shift-to-now", "--run-dir", tmp.resolve("run1").toString());
        assertThat(mixed.exit()).as(mixed.err()).isZero();
        assertThat(mixed.out()).contains("produced=2 acknowledged=2 failed=0");
        assertThat(mixed.err()).contains("produce: skipped 2 CSV rows that are not timestamp,value (the first: "
                + data.resolve("a.csv") + ":3: expected at least 2 comma-separated columns: 2015-02-26 00:05:00;2);"
                + " the others were sent");

        Path bad = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(bad.resolve("b.csv"), "timestamp,value\n2015-02-26 00:00:00;1\n26/02/2015 00:05,2\n");
        Result none = run(Map.of(), "--stream", stream, "--source", "csv", "--csv", bad.toString(), "--speed", "0",
                "--shift-to-now", "--run-dir", tmp.resolve("run2").toString());
        assertThat(none.exit()).as(none.err()).isEqualTo(ProducerCommand.EXIT_CONFIG);
        assertThat(none.err()).contains("skipped 2 CSV rows").contains("nothing was produced from " + bad);
    }

    @Test
    void aCsvHeaderWithoutTimestampAndValueColumnsStopsTheReplayInOneLine() throws Exception {
        Path semicolons = Files.createDirectories(tmp.resolve("semicolons"));
        Files.writeString(semicolons.resolve("c.csv"), "time;value\n2015-02-26 00:00:00;1\n");
        Result r = run(Map.of(), "--stream", newStream("it-cli-csvhdr"), "--create-stream", "--shards", "1",
                "--source", "csv", "--csv", semicolons.toString(), "--speed", "0", "--run-dir",
                tmp.resolve("run3").toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ProducerCommand.EXIT_CONFIG);
        assertThat(r.err().strip()).endsWith("produce: configuration error: csv: " + semicolons.resolve("c.csv")
                + ":1: the header must name a 'timestamp' and a 'value' column, comma-separated; got: time;value");
    }

    @Test
    void terminationFlushesOutstandingRecordsAndStillReports() throws Exception {
        String stream = newStream("it-cli-term");
        Path report = tmp.resolve("report.json");
        Process p = start(Map.of(), List.of("--stream", stream, "--create-stream", "--shards", "1", "--sensors", "50",
                "--rate", "400", "--progress-interval", "1", "--run-dir", tmp.resolve("run").toString(),
                "--report-file", report.toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(tmp.resolve("err.txt")).contains("progress: produced=")) {
            assertThat(System.nanoTime()).as("progress line within 60 s").isLessThan(deadline);
            assertThat(p.isAlive()).as(Files.readString(tmp.resolve("err.txt"))).isTrue();
            Thread.sleep(200);
        }
        Thread.sleep(1500);
        p.destroy(); // SIGTERM, as Ctrl-C / a supervisor would
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();

        String out = Files.readString(tmp.resolve("out.txt"));
        assertThat(out).contains("producer report").contains("failed=0").doesNotContain("UNBALANCED");
        JsonNode json = ReadingCodec.MAPPER.readTree(report.toFile());
        assertThat(json.get("produced").asLong()).isPositive();
        assertThat(json.get("acknowledged").asLong()).isEqualTo(json.get("produced").asLong());
    }
}
