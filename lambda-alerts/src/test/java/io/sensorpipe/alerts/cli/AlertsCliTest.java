package io.sensorpipe.alerts.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AlertsCliTest {
    private static String[] run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = AlertsCli.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), err.toString()};
    }

    @Test
    void durationsReadAsEveryCommandReadsThemAndABareNumberStaysSeconds() {
        RunDuration d = new RunDuration();
        assertThat(d.convert("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(d.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.convert("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> d.convert("five minutes")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("--duration 'five minutes' is not a duration like 500ms, 30s, 5m");
    }

    @Test
    void runLocalNamesItsFlagsWhenTheConfigurationIsIncompleteBeforeAnyAwsCall() {
        String[] r = run("run-local", "--table", "t", "--state-table", "a b", "--duration", "5m");
        assertThat(r[0]).isEqualTo("2");
        String firstLine = r[1].lines().findFirst().orElse("");
        assertThat(firstLine).contains("--topic-arn (ALERT_TOPIC_ARN) is not set: it must be an SNS topic ARN")
                .contains("--state-table (ALERT_STATE_TABLE) is 'a b': it must be a DynamoDB table name");
    }

    @Test
    void aZeroDurationIsAUsageError() {
        String[] r = run("run-local", "--table", "t", "--duration", "0s");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("--duration must be > 0, got PT0S");
    }
}
