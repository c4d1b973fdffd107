package io.sensorpipe.archive.verify;

import java.util.List;

/**
 * Result of comparing the archive with an expectation. {@code ok} when nothing is missing and nothing is surplus;
 * a reading stored twice is counted in {@code duplicates} (at-least-once delivery allows it; readers de-duplicate).
 *
 * @param gaps    cells (hour × sensor, or the total) where the archive holds fewer readings than expected
 * @param surplus cells where it holds more (readings nobody produced, or a wrong range)
 */
public record VerifyReport(String from, String to, String expectedSource, long expected, long archived,
                           long duplicates, long errorRecords, long objectsRead, List<Cell> gaps, List<Cell> surplus,
                           boolean ok) {

    public record Cell(String hour, String sensorId, long expected, long archived) {
    }

    public String summaryLine() {
        return (ok ? "archive OK: " : "archive MISMATCH: ") + archived + " distinct readings archived, " + expected
                + " expected (" + expectedSource + "), " + duplicates + " duplicates, " + gaps.size() + " gaps, "
                + surplus.size() + " surplus cells, " + errorRecords + " records in the error prefix, "
                + objectsRead + " objects read";
    }
}
