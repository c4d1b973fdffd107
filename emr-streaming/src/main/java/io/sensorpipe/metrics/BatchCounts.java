package io.sensorpipe.metrics;

/**
 * What the sink did with one micro-batch's output. {@code duplicates} (repeats of readings already windowed) go to
 * the dead-letter sink too but are counted apart from {@code deadLettered} (records that did not parse/validate).
 */
public record BatchCounts(long batchId, long windowsWritten, long readingsWindowed, long anomalies, long late,
                          long deadLettered, long duplicates, long sinkMillis) {
}
