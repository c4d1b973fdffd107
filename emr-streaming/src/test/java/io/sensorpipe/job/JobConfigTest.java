package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI builds one validated config; every error names the flag at fault. */
class JobConfigTest {
    private static JobConfig parse(String... args) {
        StreamingJobMain main = new StreamingJobMain();
        new CommandLine(main).parseArgs(args);
        return main.toConfig();
    }

    @Test
    void defaultsGiveARunnableLocalConfig() {
        JobConfig c = parse("--stream", "s", "--checkpoint", "/tmp/cp", "--dead-letter-bucket", "b");
        assertThat(c.table()).isEqualTo("sensorpipe-results");
        assertThat(c.windowSize()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.deadLetterPrefix()).isEqualTo("dead-letters/");
        assertThat(c.master()).isEqualTo("local[2]");
        assertThat(c.source()).isEqualTo("sensorpipe-kinesis");
    }

    @Test
    void badValuesNameTheirFlag() {
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--window", "ten")).hasMessageContaining("--window");
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--source", "kafka")).hasMessageContaining("--source");
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp"))
                .hasMessageContaining("--dead-letter-bucket");
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--dead-letter-prefix", "dl")).hasMessageContaining("--dead-letter-prefix");
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--initial-position", "AT_TIMESTAMP")).hasMessageContaining("--at-timestamp");
        assertThatThrownBy(() -> parse("--stream", " ", "--checkpoint", "cp", "--dead-letter-bucket", "b"))
                .hasMessageContaining("--stream");
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertThat(JobConfig.parseDuration("--x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(JobConfig.parseDuration("--x", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(JobConfig.parseDuration("--x", "PT10S")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void futureSkewDefaultsToAMinuteAndOutOfRangeValuesNameTheFlag() {
        assertThat(parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b").maxFutureSkew())
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--max-future-skew", "2m").maxFutureSkew()).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--max-future-skew", "0s")).hasMessageContaining("--max-future-skew");
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--max-future-skew", "2h")).hasMessageContaining("--max-future-skew");
    }

    @Test
    void dataLossFailsTheQueryUnlessTurnedOff() {
        assertThat(parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b").failOnDataLoss()).isTrue();
        assertThat(parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                io.sensorpipe.contract.JobOptions.FAIL_ON_DATA_LOSS, "false").failOnDataLoss()).isFalse();
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                io.sensorpipe.contract.JobOptions.FAIL_ON_DATA_LOSS, "maybe"))
                .hasMessageContaining(io.sensorpipe.contract.JobOptions.FAIL_ON_DATA_LOSS);
    }
}
