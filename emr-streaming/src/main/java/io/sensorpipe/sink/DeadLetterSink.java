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
}
