package io.sensorpipe.producer;

import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Backpressure for the KPL, which has none: records pile up in the daemon until RecordTtl expires them.
 * Every record takes a slot (and its bytes) before it is handed to the KPL and gives it back when its future
 * completes for good; {@link #acquire} blocks the source while the bound is reached.
 *
 * <p>Optionally also an order bound in event time: the KPL keeps no order within a shard (parallel requests,
 * aggregation, retries; a history of 30 min written in 10 s reached its 2 shards up to 218 s of event time out of order
 * per sensor, 164 s with one connection). With {@code maxEventTimeSpanMillis}, a record is accepted only while its event
 * time is at most that much past the oldest record still in flight; a record being retried stays in flight, so it holds
 * the later ones too. A source that reads in event-time order (the simulator's history) then reaches every shard at
 * most that far out of order, however the KPL sends and retries.
 */
public final class OutstandingBound {
    /** No bound on the event time in flight. */
    public static final long NO_EVENT_TIME_BOUND = Long.MAX_VALUE;

    private final long maxRecords;
    private final long maxBytes;
    private final long maxEventTimeSpanMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final Condition empty = lock.newCondition();
    /** Event times in flight and how many records have each (only with an event-time bound). */
    private final TreeMap<Long, Integer> inFlightEventTimes = new TreeMap<>();
    private long records;
    private long bytes;
    private long maxSeenRecords;
    private long blockedNanos;

    public OutstandingBound(long maxRecords, long maxBytes) {
        this(maxRecords, maxBytes, NO_EVENT_TIME_BOUND);
    }

    public OutstandingBound(long maxRecords, long maxBytes, long maxEventTimeSpanMillis) {
        if (maxRecords < 1 || maxBytes < 1 || maxEventTimeSpanMillis < 0) {
            throw new IllegalArgumentException("bounds must be positive: records=" + maxRecords + " bytes=" + maxBytes
                    + " eventTimeSpanMillis=" + maxEventTimeSpanMillis);
        }
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.maxEventTimeSpanMillis = maxEventTimeSpanMillis;
    }

    /**
     * Takes a slot for a record of {@code size} bytes and event time {@code eventTime} (epoch ms), waiting while a
     * bound is reached.
     */
    public void acquire(long size, long eventTime) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long waitStart = 0;
            // A record larger than the byte bound alone still goes through once nothing else is outstanding.
            while (records >= maxRecords || (records > 0 && bytes + size > maxBytes) || tooFarAhead(eventTime)) {
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
            if (maxEventTimeSpanMillis != NO_EVENT_TIME_BOUND) {
                inFlightEventTimes.merge(eventTime, 1, Integer::sum);
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean tooFarAhead(long eventTime) {
        if (maxEventTimeSpanMillis == NO_EVENT_TIME_BOUND || inFlightEventTimes.isEmpty()) {
            return false;
        }
        long oldest = inFlightEventTimes.firstKey();
        long ahead = eventTime - oldest;
        return eventTime > oldest && (ahead < 0 /* overflowed: farther than any span */ || ahead > maxEventTimeSpanMillis);
    }

    /** Gives back the slot of a record (as acquired) that was acknowledged or recorded as failed. */
    public void release(long size, long eventTime) {
        lock.lock();
        try {
            records--;
            bytes -= size;
            if (records < 0) {
                throw new IllegalStateException("released more records than acquired");
            }
            if (maxEventTimeSpanMillis != NO_EVENT_TIME_BOUND) {
                // a release of another event time than acquired would leave a stray "oldest" holding every later record
                if (!inFlightEventTimes.containsKey(eventTime)) {
                    throw new IllegalStateException("released a record of event time " + eventTime
                            + " that is not in flight");
                }
                inFlightEventTimes.computeIfPresent(eventTime, (t, n) -> n == 1 ? null : n - 1);
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
