package io.sensorpipe.metrics;

/** What the sink did with one micro-batch's output. */
public record BatchCounts(long batchId, long windowsWritten, long readingsWindowed, long anomalies, long late,
                          long deadLettered, long sinkMillis) {
}
