package io.sensorpipe.archive.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Flag parsing and validation only: these runs fail before any AWS client is built. */
class ArchiveCliTest {

    private static String[] run(String... args) {
        CommandLine cli = ArchiveCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int code = cli.execute(args);
        return new String[] {String.valueOf(code), err.toString()};
    }

    @Test
    void durationsAndInstantsAcceptShortAndIsoForms() {
        assertThat(CliTypes.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(CliTypes.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(CliTypes.parseDuration("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(CliTypes.parseInstant("1764072000123")).isEqualTo(Instant.ofEpochMilli(1764072000123L));
        assertThat(CliTypes.parseInstant("1764072000")).as("date +%s: seconds").isEqualTo(Instant.ofEpochSecond(1764072000L));
        assertThat(CliTypes.parseInstant("2026-11-25T13:00:00Z")).isEqualTo(Instant.parse("2026-11-25T13:00:00Z"));
        assertThatThrownBy(() -> CliTypes.parseDuration("soon")).hasMessageContaining("soon");
    }

    @Test
    void verifyNeedsExactlyOneExpectation() {
        String[] r = run("verify", "--bucket", "b", "--from", "2026-11-25T13:00:00Z", "--to", "2026-11-25T14:00:00Z");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("--producer-report").contains("--expected-readings").contains("--expected-count");
    }

    @Test
    void verifyWithACountNeedsTheRange() {
        String[] r = run("verify", "--bucket", "b", "--expected-count", "10");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("--from and --to are required");
    }

    @Test
    void bridgeRejectsAnIntervalBeyondFirehoseLimitNamingTheField() {
        String[] r = run("bridge", "--stream", "s", "--bucket", "b", "--buffer-interval", "20m");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("bufferInterval");
    }

    @Test
    void replayRejectsAnEmptyRange() {
        String[] r = run("replay", "--bucket", "b", "--stream", "s", "--from", "2026-11-25T14:00:00Z", "--to", "2026-11-25T13:00:00Z");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("--from").contains("must be before --to");
    }

    @Test
    void theRedriveAVerifySuggestsNamesTheLayoutItWasGiven() {
        LayoutOptions defaults = new LayoutOptions();
        new picocli.CommandLine(new Object() {
            @picocli.CommandLine.Mixin
            LayoutOptions layout = defaults;
        }).parseArgs("--bucket", "b");
        assertThat(defaults.flags()).isEqualTo("--bucket b");
        LayoutOptions custom = new LayoutOptions();
        new picocli.CommandLine(new Object() {
            @picocli.CommandLine.Mixin
            LayoutOptions layout = custom;
        }).parseArgs("--bucket", "b", "--prefix", "data/!{timestamp:yyyy}/", "--delivery-stream-name", "plant7");
        assertThat(custom.flags()).isEqualTo("--bucket b --prefix 'data/!{timestamp:yyyy}/' --delivery-stream-name plant7");
    }
}
