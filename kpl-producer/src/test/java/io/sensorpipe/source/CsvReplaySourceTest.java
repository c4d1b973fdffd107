package io.sensorpipe.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.Reading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReplaySourceTest {
    @TempDir
    Path dir;

    private static List<Reading> drain(ReadingSource source) throws Exception {
        List<Reading> out = new ArrayList<>();
        for (Reading r; (r = source.next()) != null; ) {
            out.add(r);
        }
        source.close();
        return out;
    }

    private void nabLikeFiles() throws Exception {
        Files.createDirectories(dir.resolve("realKnownCause"));
        Files.writeString(dir.resolve("realKnownCause/machine_temp.csv"), """
                timestamp,value
                2014-04-10 00:00:00,80.5
                2014-04-10 00:10:00,81.0
                2014-04-10 00:20:00,not-a-number
                2014-04-10 00:30:00,82.25
                """);
        Files.writeString(dir.resolve("realKnownCause/cpu.csv"), """
                timestamp,value
                2014-04-10 00:05:00,10
                2014-04-10 00:15:00,12
                """);
    }

    @Test
    void filesAreMergedInEventTimeOrderAsSensorsKeepingTimestamps() throws Exception {
        nabLikeFiles();
        CsvReplaySource source = new CsvReplaySource(dir, "replay", 0, null);
        List<Reading> readings = drain(source);

        assertThat(readings).extracting(Reading::sensorId).containsExactly(
                "replay/realKnownCause/machine_temp", "replay/realKnownCause/cpu", "replay/realKnownCause/machine_temp",
                "replay/realKnownCause/cpu", "replay/realKnownCause/machine_temp");
        assertThat(readings.get(0).ts()).isEqualTo(1_397_088_000_000L); // 2014-04-10T00:00:00Z
        assertThat(readings.get(4).value()).isEqualTo(82.25);
        assertThat(readings.get(0).site()).isEqualTo("realKnownCause");
        assertThat(source.sensors()).isEqualTo(2);
        assertThat(source.skippedRows()).as("the not-a-number row").isEqualTo(1);
        assertThat(source.firstSkipped()).isEqualTo(dir.resolve("realKnownCause/machine_temp.csv")
                + ":4: bad value 'not-a-number' (expected a number): 2014-04-10 00:20:00,not-a-number");
    }

    @Test
    void shiftMovesTheEarliestReadingToTheGivenTimeKeepingSpacing() throws Exception {
        nabLikeFiles();
        long now = 1_800_000_000_000L;
        List<Reading> readings = drain(new CsvReplaySource(dir, "replay", 0, now));
        assertThat(readings.get(0).ts()).isEqualTo(now);
        assertThat(readings.get(1).ts()).isEqualTo(now + 5 * 60_000);
        assertThat(readings.get(4).ts()).isEqualTo(now + 30 * 60_000);
    }

    @Test
    void epochMillisAndIsoTimestampsAreAccepted() throws Exception {
        Path f = dir.resolve("one.csv");
        Files.writeString(f, "timestamp,value\n1700000000000,1.5\n2023-11-14T22:13:21Z,2.5\n");
        List<Reading> readings = drain(new CsvReplaySource(f, "x", 0, null));
        assertThat(readings).extracting(Reading::ts).containsExactly(1_700_000_000_000L, 1_700_000_001_000L);
        assertThat(readings.get(0).sensorId()).isEqualTo("x/one");
    }

    @Test
    void epochSecondsAreReadAsSecondsAsTheBacktestReadsThem() throws Exception {
        Path f = dir.resolve("one.csv");
        Files.writeString(f, "timestamp,value\n1700000000,1.5\n1700000300,2.5\n");
        assertThat(drain(new CsvReplaySource(f, "x", 0, null))).extracting(Reading::ts)
                .containsExactly(1_700_000_000_000L, 1_700_000_300_000L);
    }

    @Test
    void theHeaderSaysWhichColumnsAreReadSoABacktestOutputReplaysItsValues() throws Exception {
        Path scored = dir.resolve("scored.csv"); // what scripts/backtest writes
        Files.writeString(scored, "timestamp,value,anomaly_score\n2014-04-10 00:00:00,80.5,0.000000\n");
        Path swapped = dir.resolve("swapped.csv");
        Files.writeString(swapped, "\uFEFFValue,Timestamp\n81.5,2014-04-10 00:05:00\n");
        Path bare = dir.resolve("bare.csv");
        Files.writeString(bare, "2014-04-10 00:10:00,82.5\n");
        List<Reading> readings = drain(new CsvReplaySource(dir, "x", 0, null));
        assertThat(readings).extracting(Reading::value).containsExactly(80.5, 81.5, 82.5);
        assertThat(readings).extracting(Reading::sensorId).containsExactly("x/scored", "x/swapped", "x/bare");
    }

    @Test
    void aHeaderWithoutTheColumnsFailsTheReplayNamingTheFile() throws Exception {
        Path f = dir.resolve("semicolons.csv");
        Files.writeString(f, "timestamp;value\n2014-04-10 00:00:00;1\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CsvReplaySource(f, "x", 0, null))
                .isInstanceOf(java.io.IOException.class)
                .hasMessage(f + ":1: the header must name a 'timestamp' and a 'value' column, comma-separated;"
                        + " got: timestamp;value");
    }

    @Test
    void maxFilesLimitsTheSensors() throws Exception {
        nabLikeFiles();
        CsvReplaySource source = new CsvReplaySource(dir, "replay", 1, null);
        assertThat(source.sensors()).isEqualTo(1);
        assertThat(drain(source)).extracting(Reading::sensorId).containsOnly("replay/realKnownCause/cpu");
    }
}
