package io.sensorpipe.sink;

import java.io.Serializable;

/**
 * Where dead letters go. Runs in executor tasks: each task opens one {@link Part} per micro-batch for the letters of
 * its partition, stored under a key fixed by (batch, partition), so a re-run batch overwrites its own objects.
 */
public interface DeadLetterSink extends Serializable {
    /** A part of a batch's dead letters; nothing is visible until {@link #commit()}. */
    interface Part extends AutoCloseable {
        void add(DeadLetter letter);

        /** Stores the letters added (nothing when none); returns where, or null. */
        String commit();

        /** Drops what was not committed. */
        @Override
        void close();
    }

    Part open(long batchId, long batchTimeMillis, int partition);

    /**
     * This sink for the streaming query {@code queryId} (Spark's id, kept in the checkpoint: the same across the
     * query's restarts, new for a new checkpoint). Batch ids start at 0 again in a new checkpoint, so a sink whose
     * keys name only the batch would overwrite the earlier query's letters; by default the sink is unchanged.
     */
    default DeadLetterSink forQuery(String queryId) {
        return this;
    }
}
