package io.sensorpipe.archive.bridge;

import java.util.concurrent.atomic.AtomicLong;

/** Live counts of the bridge, shared by its shard processors (thread-safe). Counted after the S3 put succeeded. */
public final class BridgeCounters {
    final AtomicLong recordsReceived = new AtomicLong();
    final AtomicLong recordsArchived = new AtomicLong();
    final AtomicLong recordsRejected = new AtomicLong();
    final AtomicLong objectsWritten = new AtomicLong();
    final AtomicLong errorObjectsWritten = new AtomicLong();
    final AtomicLong bytesWritten = new AtomicLong();
    final AtomicLong checkpoints = new AtomicLong();
    final AtomicLong putRetries = new AtomicLong();

    /** De-aggregated records handed to the bridge by KCL (buffered or stored; re-deliveries count again). */
    public long recordsReceived() {
        return recordsReceived.get();
    }

    public long recordsArchived() {
        return recordsArchived.get();
    }

    public long recordsRejected() {
        return recordsRejected.get();
    }

    public long objectsWritten() {
        return objectsWritten.get();
    }

    public long errorObjectsWritten() {
        return errorObjectsWritten.get();
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    public long checkpoints() {
        return checkpoints.get();
    }

    public long putRetries() {
        return putRetries.get();
    }
}
