package io.sensorpipe.processing;

import java.io.Serializable;
import java.util.Arrays;

/**
 * When each query on a checkpoint started and the watermark it started from (the last planned batch's), oldest first:
 * recorded in the checkpoint at every start, so a batch re-run after a crash, which keeps its time, belongs to the
 * run its first attempt belonged to. {@link SensorStateFunction} lets the clock stand in for event time only for
 * time that run was reading, and not for a sensor it has not read yet while the watermark moves on (a backlog).
 */
public final class RunStarts implements Serializable {
    private static final long serialVersionUID = 1L;
    /** A start recorded without its watermark: nothing is known, so the watermark never counts as moved. */
    public static final long UNKNOWN_WATERMARK = Long.MAX_VALUE;

    private final long[] at;
    private final long[] watermark;

    /** One run: its start (0 when none is recorded) and the watermark it started from. */
    public record Run(long start, long watermark) {
    }

    /** @param at start times and {@code watermark} the watermarks they started from, oldest first, same length */
    public RunStarts(long[] at, long[] watermark) {
        if (at.length != watermark.length) {
            throw new IllegalArgumentException(at.length + " starts, " + watermark.length + " watermarks");
        }
        this.at = at.clone();
        this.watermark = watermark.clone();
    }

    public static RunStarts none() {
        return new RunStarts(new long[0], new long[0]);
    }

    /** The run batch time {@code batchTime} belongs to: the newest start not after it. */
    public Run of(long batchTime) {
        int found = -1;
        for (int i = 0; i < at.length; i++) {
            if (at[i] <= batchTime && (found < 0 || at[i] >= at[found])) {
                found = i;
            }
        }
        return found < 0 ? new Run(0, UNKNOWN_WATERMARK) : new Run(at[found], watermark[found]);
    }

    public int size() {
        return at.length;
    }

    @Override
    public String toString() {
        return "RunStarts" + Arrays.toString(at);
    }
}
