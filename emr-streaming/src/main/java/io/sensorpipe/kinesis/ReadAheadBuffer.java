package io.sensorpipe.kinesis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Executor-local read-ahead per shard (the model is the Spark Kafka source's consumer cache). A task that stops at
 * its ceiling or cap inside a page leaves the records it fetched past its stop, and the page's
 * {@code NextShardIterator}, keyed by (stream, shard, position after the stop). The next task for that shard that
 * starts exactly there takes them instead of fetching them again, so nothing is fetched twice and a sparse shard
 * reads full pages that last several batches.
 *
 * <p>Only a cache: a record after a given sequence number of a shard never changes, so an entry is correct whatever
 * plan takes it; where a batch ends is decided by the plan and the stored end positions, never by the buffer. A
 * miss (another executor, a restart, a replay) reads from Kinesis as without it.
 *
 * <p>Memory is bounded: at most {@link #MAX_RECORDS_PER_SHARD} records and {@link #MAX_BYTES_PER_SHARD} bytes per
 * shard (one entry per shard), {@link #MAX_BYTES_TOTAL} bytes per JVM (the least recently stored entries go
 * first), and an entry older than {@link #MAX_AGE_MS} is dropped.
 */
public final class ReadAheadBuffer {
    public static final int MAX_RECORDS_PER_SHARD = 10_000;
    public static final long MAX_BYTES_PER_SHARD = 4L << 20;
    public static final long MAX_BYTES_TOTAL = 64L << 20;
    public static final long MAX_AGE_MS = 10 * 60_000;

    private static final ReadAheadBuffer SHARED = new ReadAheadBuffer(MAX_RECORDS_PER_SHARD, MAX_BYTES_PER_SHARD,
            MAX_BYTES_TOTAL);

    /** The executor JVM's buffer, shared by its tasks. */
    public static ReadAheadBuffer shared() {
        return SHARED;
    }

    /**
     * Records fetched past a stop, in shard order.
     *
     * @param position            where they start: the last record consumed before them, or the start position
     *                            before the first record (the key)
     * @param iterator            NextShardIterator after the last of them; null when the page ended the closed shard
     * @param iteratorKnown       false when the records were cut to the bound (or it was not known when stored): then
     *                            reading continues with a new iterator after the last kept record
     * @param iteratorAtMillis    when the iterator was returned
     * @param millisBehindLatest  of the page they came from
     */
    public record Entry(String position, List<Record> records, String iterator, boolean iteratorKnown,
                        long iteratorAtMillis, long millisBehindLatest, long bytes) {
    }

    private final int maxRecordsPerShard;
    private final long maxBytesPerShard;
    private final long maxBytesTotal;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    private long bytes;

    public ReadAheadBuffer(int maxRecordsPerShard, long maxBytesPerShard, long maxBytesTotal) {
        this.maxRecordsPerShard = maxRecordsPerShard;
        this.maxBytesPerShard = maxBytesPerShard;
        this.maxBytesTotal = maxBytesTotal;
    }

    /** Records a task may buffer past its stop: page sizes never fetch more than this beyond what is needed. */
    public int maxRecordsPerShard() {
        return maxRecordsPerShard;
    }

    private static String key(String stream, String shardId) {
        return stream + '/' + shardId;
    }

    /** Takes (removes) the entry of the shard when it starts right after {@code position}. */
    public synchronized Entry take(String stream, String shardId, String position, long now) {
        if (position == null) {
            return null;
        }
        String k = key(stream, shardId);
        Entry e = entries.get(k);
        if (e == null || !e.position().equals(position)) {
            return null; // another position (a replay, another plan's task): not for this read
        }
        entries.remove(k);
        bytes -= e.bytes();
        return now - e.iteratorAtMillis() > MAX_AGE_MS ? null : e;
    }

    /** Keeps {@code records} (fetched, not consumed) after {@code position}, cut to the bounds. */
    public synchronized void put(String stream, String shardId, String position, List<Record> records,
                                 String iterator, boolean iteratorKnown, long iteratorAtMillis,
                                 long millisBehindLatest) {
        String k = key(stream, shardId);
        Entry old = entries.remove(k);
        if (old != null) {
            bytes -= old.bytes();
        }
        if (position == null || records.isEmpty()) {
            return;
        }
        List<Record> kept = new ArrayList<>();
        long size = 0;
        for (Record r : records) {
            long b = r.data().asByteBuffer().remaining();
            if (kept.size() >= maxRecordsPerShard || size + b > maxBytesPerShard) {
                break;
            }
            kept.add(r);
            size += b;
        }
        if (kept.isEmpty()) {
            return;
        }
        boolean whole = kept.size() == records.size() && iteratorKnown;
        entries.put(k, new Entry(position, List.copyOf(kept), whole ? iterator : null, whole,
                iteratorAtMillis, millisBehindLatest, size));
        bytes += size;
        var it = entries.entrySet().iterator();
        while (bytes > maxBytesTotal && it.hasNext()) {
            Map.Entry<String, Entry> oldest = it.next();
            bytes -= oldest.getValue().bytes();
            it.remove();
        }
    }

    /** Bytes held now (for tests and logs). */
    public synchronized long bytes() {
        return bytes;
    }

    public synchronized int size() {
        return entries.size();
    }
}
