package io.sensorpipe.processing;

import java.sql.Timestamp;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Packs a task's parsed records into {@link ReadingPack}s before the shuffle: valid readings grouped by (sensor,
 * stream, shard) in arrival order (a new pack when the sensor's type, site or unit changes), rejects passed on one by
 * one. Readings of one sensor from different shards of one task become separate packs (in production a task reads
 * one shard), so only their order relative to each other can change, which decides no more than which copy of a
 * cross-shard duplicate is counted. Nothing is merged or dropped here — dedup and
 * lateness need every reading and the sensor's state, so the state step still sees each reading, in the same order
 * within its shard. Bounded: a pack holds at most {@link #MAX_PACK} readings and at most {@link #MAX_BUFFERED}
 * readings wait in open packs (then all are emitted), so a catch-up batch of millions of records streams through.
 */
public final class ReadingPacker implements Iterator<ReadingPack> {
    static final int MAX_PACK = 4_096;
    static final int MAX_BUFFERED = 65_536;

    private final Iterator<ParsedRecord> in;
    private final int maxPack;
    private final int maxBuffered;
    private final Map<Key, Builder> open = new LinkedHashMap<>();
    private final ArrayDeque<ReadingPack> ready = new ArrayDeque<>();
    private int buffered;

    public ReadingPacker(Iterator<ParsedRecord> in) {
        this(in, MAX_PACK, MAX_BUFFERED);
    }

    ReadingPacker(Iterator<ParsedRecord> in, int maxPack, int maxBuffered) {
        this.in = in;
        this.maxPack = maxPack;
        this.maxBuffered = maxBuffered;
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && in.hasNext()) {
            add(in.next());
        }
        if (ready.isEmpty() && !open.isEmpty()) {
            emitAll();
        }
        return !ready.isEmpty();
    }

    @Override
    public ReadingPack next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    private void add(ParsedRecord r) {
        if (!r.isValid()) {
            ready.add(ReadingPack.reject(r));
            return;
        }
        Key key = new Key(r.getRouteKey(), r.getStreamName(), r.getShardId());
        Builder b = open.get(key);
        if (b != null && !b.describes(r)) {
            // a pack holds the descriptive fields once: a sensor whose type, site or unit changes starts a new pack,
            // so each dead-lettered reading is written with its own
            open.remove(key);
            buffered -= b.size;
            ready.add(b.build());
            b = null;
        }
        if (b == null) {
            b = new Builder(key);
            open.put(key, b);
        }
        b.add(r);
        buffered++;
        if (b.size == maxPack) {
            open.remove(key);
            buffered -= b.size;
            ready.add(b.build());
        }
        if (buffered >= maxBuffered) {
            emitAll();
        }
    }

    private void emitAll() {
        open.values().forEach(b -> ready.add(b.build()));
        open.clear();
        buffered = 0;
    }

    private record Key(String sensor, String streamName, String shardId) {
    }

    private static final class Builder {
        private final Key key;
        private long[] ts = new long[8];
        private double[] values = new double[8];
        private String[] sequenceNumbers = new String[8];
        private long[] subSequenceNumbers = new long[8];
        private int size;
        private long newest = Long.MIN_VALUE;
        private String type;
        private String site;
        private String unit;

        Builder(Key key) {
            this.key = key;
        }

        void add(ParsedRecord r) {
            if (size == ts.length) {
                int n = size * 2;
                ts = Arrays.copyOf(ts, n);
                values = Arrays.copyOf(values, n);
                sequenceNumbers = Arrays.copyOf(sequenceNumbers, n);
                subSequenceNumbers = Arrays.copyOf(subSequenceNumbers, n);
            }
            ts[size] = r.getTs();
            values[size] = r.getValue();
            sequenceNumbers[size] = r.getSequenceNumber();
            subSequenceNumbers[size] = r.getSubSequenceNumber();
            size++;
            newest = Math.max(newest, r.getTs());
            type = r.getType(); // the same for all readings of a pack (see describes)
            site = r.getSite();
            unit = r.getUnit();
        }

        boolean describes(ParsedRecord r) {
            return java.util.Objects.equals(type, r.getType()) && java.util.Objects.equals(site, r.getSite())
                    && java.util.Objects.equals(unit, r.getUnit());
        }

        ReadingPack build() {
            ReadingPack p = new ReadingPack();
            p.setRouteKey(key.sensor());
            p.setValid(true);
            p.setStreamName(key.streamName());
            p.setShardId(key.shardId());
            p.setType(type);
            p.setSite(site);
            p.setUnit(unit);
            p.setEventTime(new Timestamp(newest));
            p.setTs(Arrays.copyOf(ts, size));
            p.setValues(Arrays.copyOf(values, size));
            p.setSequenceNumbers(Arrays.copyOf(sequenceNumbers, size));
            p.setSubSequenceNumbers(Arrays.copyOf(subSequenceNumbers, size));
            return p;
        }
    }
}
