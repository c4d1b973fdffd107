package io.sensorpipe.producer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Backpressure for the KPL, which has none: records pile up in the daemon until RecordTtl expires them.
 * Every record takes a slot (and its bytes) before it is handed to the KPL and gives it back when its future
 * completes for good; {@link #acquire} blocks the source while the bound is reached.
 */
public final class OutstandingBound {
    /**
     * The records in flight that keep readings written faster than real time in event-time order within
     * {@code disorder}: the KPL keeps no order within a shard (parallel requests, aggregation, retries; a history of
     * 30 min written in 10 s reached its 2 shards up to 218 s of event time out of order per sensor with the default
     * bound, 164 s with one connection). With at most this many records in flight, a record reaches its shard
     * before any written this many records later, unless it is retried (it holds its slot meanwhile while later
     * ones pass, and a retry re-enters behind them): at {@code readingsPerSecond} of event time, {@code disorder}
     * while nothing is retried.
     */
    public static int recordsWithin(double readingsPerSecond, java.time.Duration disorder) {
        return (int) Math.max(1, Math.min(ProducerConfig.DEFAULT_MAX_OUTSTANDING_RECORDS,
                readingsPerSecond * disorder.toMillis() / 1000.0));
    }

    private final long maxRecords;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final Condition empty = lock.newCondition();
    private long records;
    private long bytes;
    private long maxSeenRecords;
    private long blockedNanos;

    public OutstandingBound(long maxRecords, long maxBytes) {
        if (maxRecords < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("bounds must be positive: records=" + maxRecords + " bytes=" + maxBytes);
        }
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    /** Takes a slot for a record of {@code size} bytes, waiting while the bound is reached. */
    public void acquire(long size) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long waitStart = 0;
            // A record larger than the byte bound alone still goes through once nothing else is outstanding.
            while (records >= maxRecords || (records > 0 && bytes + size > maxBytes)) {
                if (waitStart == 0) {
                    waitStart = System.nanoTime();
                }
                released.await();
            }
            if (waitStart != 0) {
                blockedNanos += System.nanoTime() - waitStart;
            }
            records++;
            bytes += size;
            maxSeenRecords = Math.max(maxSeenRecords, records);
        } finally {
            lock.unlock();
        }
    }

    /** Gives back the slot of a record that was acknowledged or recorded as failed. */
    public void release(long size) {
        lock.lock();
        try {
            records--;
            bytes -= size;
            if (records < 0) {
                throw new IllegalStateException("released more records than acquired");
            }
            released.signalAll();
            if (records == 0) {
                empty.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until nothing is outstanding or the timeout passes; true when empty. */
    public boolean awaitEmpty(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (records > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                empty.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    public long outstandingRecords() {
        lock.lock();
        try {
            return records;
        } finally {
            lock.unlock();
        }
    }

    public long outstandingBytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** Highest number of records outstanding at once so far. */
    public long maxSeenRecords() {
        lock.lock();
        try {
            return maxSeenRecords;
        } finally {
            lock.unlock();
        }
    }

    public long blockedMillis() {
        lock.lock();
        try {
            return TimeUnit.NANOSECONDS.toMillis(blockedNanos);
        } finally {
            lock.unlock();
        }
    }
}
