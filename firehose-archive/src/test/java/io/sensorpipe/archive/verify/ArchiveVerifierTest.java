package io.sensorpipe.archive.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorpipe.schema.Reading;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveVerifierTest {
    private static final long H13 = Instant.parse("2026-11-25T13:00:00Z").toEpochMilli();

    private static Reading r(String sensor, long ts) {
        return Reading.of(sensor, "temperature", "site-a", ts, 20.5, "C");
    }

    @Test
    void sameReadingTwiceIsADuplicateNotASecondCount() {
        HourSensorCounts c = new HourSensorCounts();
        assertThat(c.add(r("a", H13))).isTrue();
        assertThat(c.add(r("a", H13))).isFalse();
        assertThat(c.total()).isEqualTo(1);
        assertThat(c.duplicates()).isEqualTo(1);
    }

    @Test
    void missingReadingsAreListedPerHourAndSensor() {
        HourSensorCounts expected = new HourSensorCounts();
        HourSensorCounts archived = new HourSensorCounts();
        for (int i = 0; i < 5; i++) {
            expected.add(r("a", H13 + i));
            expected.add(r("b", H13 + 3_600_000L + i));
            archived.add(r("a", H13 + i));
            if (i < 3) {
                archived.add(r("b", H13 + 3_600_000L + i));
            }
        }
        archived.add(r("c", H13));
        List<VerifyReport.Cell> gaps = new ArrayList<>();
        List<VerifyReport.Cell> surplus = new ArrayList<>();
        ArchiveVerifier.compareCells(expected, archived, gaps, surplus);
        assertThat(gaps).containsExactly(new VerifyReport.Cell("2026-11-25T14:00:00Z", "b", 5, 3));
        assertThat(surplus).containsExactly(new VerifyReport.Cell("2026-11-25T13:00:00Z", "c", 0, 1));
    }

    @Test
    void readingsFileExpectationKeepsOnlyTheRangeAndSkipsMalformedLines(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("truth.jsonl");
        Files.writeString(file, new String(r("a", H13 - 1).toJsonBytes(), StandardCharsets.UTF_8) + "\n"
                + new String(r("a", H13).toJsonBytes(), StandardCharsets.UTF_8) + "\n"
                + "garbage\n\n"
                + new String(r("b", H13 + 10).toJsonBytes(), StandardCharsets.UTF_8) + "\n");
        Expectation.PerHourAndSensor e = Expectation.fromReadingsFile(file, Instant.ofEpochMilli(H13), null);
        assertThat(e.counts().total()).isEqualTo(2);
        assertThat(e.counts().minTs()).isEqualTo(H13);
        assertThat(e.counts().maxTs()).isEqualTo(H13 + 10);
    }

    @Test
    void producerReportExpectsItsAcknowledgedCount(@TempDir Path dir) throws IOException {
        Path report = dir.resolve("producer.json");
        Files.writeString(report, "{\"writer\":\"kpl\",\"produced\":12,\"acknowledged\":10,\"failed\":2}");
        Expectation e = Expectation.fromProducerReport(report);
        assertThat(e).isEqualTo(new Expectation.Total(e.source(), 10));
    }

    @Test
    void aMissingOrMalformedExpectationFileIsOneUsageLineNotATrace(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> Expectation.fromProducerReport(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--producer-report " + missing + " does not exist");
        assertThatThrownBy(() -> Expectation.fromReadingsFile(dir, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--expected-readings " + dir + " is not a file");
        Path text = dir.resolve("report.json");
        Files.writeString(text, "produced=12 acknowledged=10\n");
        assertThatThrownBy(() -> Expectation.fromProducerReport(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("producer report " + text + " is not JSON (")
                .hasMessageEndingWith("): pass the file scripts/produce --report-file wrote");
        Path notGzip = dir.resolve("readings.jsonl.gz");
        Files.writeString(notGzip, "{}\n");
        assertThatThrownBy(() -> Expectation.fromReadingsFile(notGzip, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--expected-readings " + notGzip + " ends in .gz but is not gzip (");
    }
}
