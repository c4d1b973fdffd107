package io.sensorpipe.archive.replay;

import io.sensorpipe.producer.ProducerReport;

/**
 * Final counts of a replay.
 *
 * @param objectsRead  archive objects scanned
 * @param linesRead    lines in them
 * @param replayed     readings in the range handed to the writer
 * @param outsideRange valid readings whose event time is outside the range (scanned for lateness)
 * @param malformed    lines that are not readings (should be 0: the archive holds validated readings)
 * @param damaged      objects that are not whole GZIP, each named with its error (read up to the damage)
 * @param writer       the producer writer's own report (acknowledged / failed)
 */
public record ReplayReport(String from, String to, long objectsRead, long linesRead, long replayed, long outsideRange,
                           long malformed, java.util.List<String> damaged, long elapsedMillis, ProducerReport writer) {
    public String summaryLine() {
        return "replayed " + replayed + " readings (" + from + " .. " + to + ") from " + objectsRead + " objects; "
                + outsideRange + " outside the range, " + malformed + " malformed lines, " + damaged.size()
                + " damaged objects; writer acknowledged "
                + writer.acknowledged() + ", failed " + writer.failed() + " in " + elapsedMillis + " ms";
    }
}
