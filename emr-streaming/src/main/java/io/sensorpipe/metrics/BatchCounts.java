package io.sensorpipe.metrics;

/**
 * What the sink did with one micro-batch's output. {@code duplicates} (repeats of readings already windowed) go to
 * the dead-letter sink too but are counted apart from {@code deadLettered} (records that did not parse/validate).
 * {@code modelResets}: sensors whose model could not be restored and restarted fresh; {@code stateResets}: sensors
 * whose open-window row could not be decoded; {@code unscored}: windows written without a score.
 */
public record BatchCounts(long batchId, long windowsWritten, long readingsWindowed, long anomalies, long late,
                          long deadLettered, long duplicates, long modelResets, long stateResets, long unscored,
                          long sinkMillis) {
    public static BatchCounts empty(long batchId) {
        return new BatchCounts(batchId, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
