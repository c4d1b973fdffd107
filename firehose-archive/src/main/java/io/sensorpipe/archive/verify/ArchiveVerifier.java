package io.sensorpipe.archive.verify;

import io.sensorpipe.archive.layout.ErrorDocument;
import io.sensorpipe.archive.replay.ArchiveReader;
import io.sensorpipe.schema.ParseResult;
import io.sensorpipe.schema.ReadingParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Counts the archived readings of an event-time range per hour and sensor and compares them with an
 * {@link Expectation}, listing every gap. Scans arrival partitions [from - skew, to + lateness) like replay.
 */
public final class ArchiveVerifier {
    private final ArchiveReader reader;
    private final ReadingParser parser = ReadingParser.withoutTimeBounds();

    public ArchiveVerifier(ArchiveReader reader) {
        this.reader = reader;
    }

    /** Reads the archive's readings with event time in [from, to). */
    public HourSensorCounts archivedCounts(Instant from, Instant to, Duration lateness, Duration skew, long[] objectsRead) {
        HourSensorCounts counts = new HourSensorCounts();
        List<String> keys = reader.dataObjectKeys(from.minus(skew), to.plus(lateness));
        for (String key : keys) {
            reader.forEachLine(key, line -> {
                ParseResult p = parser.parse(line.getBytes(StandardCharsets.UTF_8));
                if (p.isValid() && p.reading().ts() >= from.toEpochMilli() && p.reading().ts() < to.toEpochMilli()) {
                    counts.add(p.reading());
                }
            });
        }
        objectsRead[0] = keys.size();
        return counts;
    }

    /** Error documents (processing-failed) in the arrival partitions of the range. */
    public List<ErrorDocument> errorDocuments(Instant from, Instant to, Duration lateness, Duration skew) {
        List<ErrorDocument> docs = new ArrayList<>();
        for (String key : reader.errorObjectKeys(from.minus(skew), to.plus(lateness))) {
            reader.forEachLine(key, line -> docs.add(ErrorDocument.fromLine(line)));
        }
        return docs;
    }

    public VerifyReport verify(Instant from, Instant to, Duration lateness, Duration skew, Expectation expectation) {
        long[] objectsRead = new long[1];
        HourSensorCounts archived = archivedCounts(from, to, lateness, skew, objectsRead);
        long errorRecords = errorDocuments(from, to, lateness, skew).size();
        List<VerifyReport.Cell> gaps = new ArrayList<>();
        List<VerifyReport.Cell> surplus = new ArrayList<>();
        long expectedTotal;
        if (expectation instanceof Expectation.PerHourAndSensor perCell) {
            HourSensorCounts expected = perCell.counts();
            expectedTotal = expected.total();
            compareCells(expected, archived, gaps, surplus);
        } else {
            expectedTotal = ((Expectation.Total) expectation).count();
            VerifyReport.Cell all = new VerifyReport.Cell("*", "*", expectedTotal, archived.total());
            if (archived.total() < expectedTotal) {
                gaps.add(all);
            } else if (archived.total() > expectedTotal) {
                surplus.add(all);
            }
        }
        // a reading archived twice is what at-least-once delivery allows (a producer's retried put, a Firehose
        // retry): counted and shown, not a failure; the comparison is of distinct readings
        boolean ok = gaps.isEmpty() && surplus.isEmpty();
        return new VerifyReport(from.toString(), to.toString(), expectation.source(), expectedTotal, archived.total(),
                archived.duplicates(), errorRecords, objectsRead[0], gaps, surplus, ok);
    }

    static void compareCells(HourSensorCounts expected, HourSensorCounts archived, List<VerifyReport.Cell> gaps,
                             List<VerifyReport.Cell> surplus) {
        TreeSet<String> hours = new TreeSet<>(expected.byHourAndSensor().keySet());
        hours.addAll(archived.byHourAndSensor().keySet());
        for (String hour : hours) {
            TreeSet<String> sensors = new TreeSet<>(expected.byHourAndSensor().getOrDefault(hour, Map.of()).keySet());
            sensors.addAll(archived.byHourAndSensor().getOrDefault(hour, Map.of()).keySet());
            for (String sensor : sensors) {
                long e = expected.count(hour, sensor);
                long a = archived.count(hour, sensor);
                if (a < e) {
                    gaps.add(new VerifyReport.Cell(hour, sensor, e, a));
                } else if (a > e) {
                    surplus.add(new VerifyReport.Cell(hour, sensor, e, a));
                }
            }
        }
    }
}
