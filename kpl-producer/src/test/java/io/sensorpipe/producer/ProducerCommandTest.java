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
    void historyIsOutOfOrderByAQuarterOfTheJobsDefaultWatermarkUnlessToldOtherwise() {
        ProducerCommand command = new ProducerCommand(Map.of("AWS_REGION", "us-east-1"), System.out, System.err);
        ProducerCommand.commandLine(command).parseArgs("--stream", "s", "--history", "30m");
        assertThat(command.historyDisorder()).isEqualTo(java.time.Duration.ofMillis(7_500));
        ProducerCommand.commandLine(command).parseArgs("--stream", "s", "--history", "30m", "--history-disorder", "2s");
        assertThat(command.historyDisorder()).isEqualTo(java.time.Duration.ofSeconds(2));
        ProducerCommand.commandLine(command).parseArgs("--stream", "s", "--history", "30m", "--history-disorder", "0s");
        assertThat(command.historyDisorder()).as("a pipeline's --watermark 0s").isZero();
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
