package io.sensorpipe.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Flag handling that fails before any AWS call, so no services are needed. */
class ProducerCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        ProducerCommand command = new ProducerCommand(Map.of("AWS_REGION", "us-east-1"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        CommandLine cli = ProducerCommand.commandLine(command);
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        return cli.execute(args);
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsTheFlagsTheIssueAsksFor() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--stream", "--sensors", "--rate", "--duration",
                "--count", "--source", "--seed", "--speed", "--report-file", "--max-outstanding-records", "bench");
    }

    @Test
    void readingsWrittenFasterThanRealTimeAreOutOfOrderByAQuarterOfTheJobsDefaultWatermarkUnlessToldOtherwise() {
        ProducerCommand history = parsed("--stream", "s", "--history", "30m");
        assertThat(history.fasterThanRealTime()).isTrue();
        assertThat(history.maxDisorder()).isEqualTo(java.time.Duration.ofMillis(7_500));
        assertThat(parsed("--stream", "s", "--history", "30m", "--max-disorder", "2s").maxDisorder())
                .isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(parsed("--stream", "s", "--history", "30m", "--history-disorder", "0s").maxDisorder())
                .as("the earlier name; a pipeline's --watermark 0s").isZero();

        assertThat(parsed("--stream", "s", "--source", "csv", "--csv", "x", "--speed", "600").fasterThanRealTime())
                .as("a replay at 600x").isTrue();
        assertThat(parsed("--stream", "s", "--source", "csv", "--csv", "x", "--speed", "0").fasterThanRealTime())
                .as("a replay as fast as it goes").isTrue();
        assertThat(parsed("--stream", "s", "--source", "csv", "--csv", "x").fasterThanRealTime())
                .as("a replay at real time").isFalse();
        assertThat(parsed("--stream", "s").fasterThanRealTime()).as("live simulator").isFalse();
        assertThat(parsed("--stream", "s", "--speed", "0").fasterThanRealTime()).as("simulator, fast").isTrue();
    }

    @Test
    void anExplicitDisorderBoundCountsAtRealTimeAndIsRefusedForTheSdkWriter() {
        assertThat(parsed("--stream", "s").disorderBound()).as("live: none").isNull();
        assertThat(parsed("--stream", "s", "--max-disorder", "3s").disorderBound())
                .isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(parsed("--stream", "s", "--writer", "sdk", "--history", "30m").disorderBound())
                .as("the sdk writer has none").isNull();
        assertThat(run("--stream", "s", "--writer", "sdk", "--max-disorder", "3s"))
                .isEqualTo(ProducerCommand.EXIT_CONFIG);
        assertThat(errText()).contains("max-disorder: bounds the KPL writer only");
    }

    private static ProducerCommand parsed(String... args) {
        ProducerCommand command = new ProducerCommand(Map.of("AWS_REGION", "us-east-1"), System.out, System.err);
        ProducerCommand.commandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void unknownRegionExitsWithConfigErrorNamingRegion() {
        assertThat(run("--stream", "s", "--region", "mars-north-1")).isEqualTo(ProducerCommand.EXIT_CONFIG);
        assertThat(errText()).contains("configuration error: region: 'mars-north-1' is not a known AWS region");
    }

    @Test
    void nonPositiveSensorCountIsAConfigError() {
        assertThat(run("--stream", "s", "--sensors", "0")).isEqualTo(ProducerCommand.EXIT_CONFIG);
        assertThat(errText()).contains("sensors: must be > 0");
    }

    @Test
    void csvSourceWithoutPathIsAConfigError() {
        assertThat(run("--stream", "s", "--source", "csv")).isEqualTo(ProducerCommand.EXIT_CONFIG);
        assertThat(errText()).contains("csv: --source csv needs --csv");
    }

    @Test
    void missingStreamFlagIsAConfigError() {
        assertThat(run("--sensors", "3")).isEqualTo(ProducerCommand.EXIT_CONFIG);
        assertThat(errText()).contains("stream: --stream is required");
    }

    @Test
    void unparseableDurationIsAUsageError() {
        assertThat(run("--stream", "s", "--duration", "soon")).isEqualTo(2);
        assertThat(errText()).contains("--duration").contains("30s");
    }
}
