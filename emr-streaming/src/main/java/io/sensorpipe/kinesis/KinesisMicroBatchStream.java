package io.sensorpipe.kinesis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.SupportsAdmissionControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Micro-batch reading of one Kinesis stream.
 *
 * <p>Kinesis has no "latest offset" call, so {@link #latestOffset(Offset, ReadLimit)} reads: for every readable
 * shard it fetches up to {@code maxRecordsPerShard} records after the batch start and records the last sequence
 * number it saw as the batch end. Tasks then re-read each shard up to exactly that sequence number, so a batch
 * re-run from the offset log after a crash reads the same records. An aggregated KPL record is consumed whole,
 * so sub-sequence numbers never split a batch.
 *
 * <p>Resharding: shards are listed every batch; a child shard becomes readable only after all its parents are
 * finished (closed and read to their end), so per-key order holds and nothing is read twice or skipped.
 */
final class KinesisMicroBatchStream implements MicroBatchStream, SupportsAdmissionControl {
    private static final Logger LOG = LoggerFactory.getLogger(KinesisMicroBatchStream.class);
    private static final int DRIVER_CALLS_PER_SHARD = 3;
    private static final java.util.concurrent.ExecutorService DRIVER_READERS =
            java.util.concurrent.Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "kinesis-read-ahead");
                t.setDaemon(true);
                return t;
            });

    private final KinesisSourceOptions options;
    private final KinesisClient kinesis;

    KinesisMicroBatchStream(KinesisSourceOptions options) {
        this.options = options;
        this.kinesis = KinesisClients.shared();
    }

    @Override
    public Offset initialOffset() {
        StartPosition start = StartPosition.of(options, System.currentTimeMillis());
        return discover(new KinesisOffset(start.spec(), Map.of()), listShards());
    }

    @Override
    public Offset latestOffset() {
        throw new UnsupportedOperationException("latestOffset(start, limit) is used (SupportsAdmissionControl)");
    }

    @Override
    public ReadLimit getDefaultReadLimit() {
        return ReadLimit.allAvailable();
    }

    @Override
    public Offset latestOffset(Offset startOffset, ReadLimit limit) {
        try {
            return readAhead((KinesisOffset) startOffset);
        } catch (software.amazon.awssdk.core.exception.AbortedException e) {
            // query.stop() interrupts the driver thread; Spark treats an InterruptedException as a clean stop
            throw sneaky(new InterruptedException("stopped while reading " + options.streamName()));
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    private Offset readAhead(KinesisOffset start) {
        KinesisOffset discovered = discover(start, listShards());
        TreeMap<String, ShardPosition> end = new TreeMap<>(discovered.shards());
        // Shards are read ahead in parallel: each has its own 5 calls/s budget, so a batch's planning time does not
        // grow with the shard count.
        Map<String, java.util.concurrent.Future<ShardPosition>> reads = new TreeMap<>();
        for (Map.Entry<String, ShardPosition> e : discovered.shards().entrySet()) {
            if (!e.getValue().finished()) {
                reads.put(e.getKey(), DRIVER_READERS.submit(() -> readAhead(discovered, e.getKey(), e.getValue())));
            }
        }
        for (Map.Entry<String, java.util.concurrent.Future<ShardPosition>> r : reads.entrySet()) {
            try {
                end.put(r.getKey(), r.getValue().get());
            } catch (InterruptedException ie) {
                reads.values().forEach(f -> f.cancel(true));
                throw sneaky(ie);
            } catch (java.util.concurrent.ExecutionException ee) {
                reads.values().forEach(f -> f.cancel(true));
                throw ee.getCause() instanceof RuntimeException re ? re : new IllegalStateException(ee.getCause());
            }
        }
        return new KinesisOffset(start.start(), end);
    }

    private ShardPosition readAhead(KinesisOffset discovered, String shardId, ShardPosition pos)
            throws InterruptedException {
        ShardReader reader = new ShardReader(kinesis, options.streamName(), shardId, discovered.startPosition(),
                options.minGetRecordsIntervalMs());
        ShardReader.Chunk chunk = reader.readAfter(pos.afterSequenceNumber(), options.maxRecordsPerShard(),
                DRIVER_CALLS_PER_SHARD);
        String last = chunk.records().isEmpty() ? pos.afterSequenceNumber()
                : chunk.records().get(chunk.records().size() - 1).sequenceNumber();
        if (chunk.shardEnded()) {
            LOG.info("shard {} of {} is closed and read to its end", shardId, options.streamName());
        }
        return new ShardPosition(last, chunk.shardEnded());
    }

    /** Adds shards that may be read now: no parent, or every parent known and finished. */
    static KinesisOffset discover(KinesisOffset current, List<Shard> listed) {
        Map<String, ShardPosition> shards = new TreeMap<>(current.shards());
        Map<String, Shard> byId = new HashMap<>();
        listed.forEach(s -> byId.put(s.shardId(), s));
        for (Shard s : listed) {
            if (shards.containsKey(s.shardId())) {
                continue;
            }
            if (parentsFinished(s, shards, byId)) {
                shards.put(s.shardId(), ShardPosition.notStarted());
            }
        }
        return new KinesisOffset(current.start(), shards);
    }

    private static boolean parentsFinished(Shard s, Map<String, ShardPosition> known, Map<String, Shard> listed) {
        for (String parent : new String[] {s.parentShardId(), s.adjacentParentShardId()}) {
            if (parent == null) {
                continue;
            }
            ShardPosition p = known.get(parent);
            if (p == null) {
                // A parent no longer listed was trimmed by retention: nothing left to read before the child.
                if (listed.containsKey(parent)) {
                    return false;
                }
            } else if (!p.finished()) {
                return false;
            }
        }
        return true;
    }

    private List<Shard> listShards() {
        List<Shard> shards = new ArrayList<>();
        String next = null;
        do {
            ListShardsRequest req = next == null
                    ? ListShardsRequest.builder().streamName(options.streamName()).build()
                    : ListShardsRequest.builder().nextToken(next).build();
            ListShardsResponse r = kinesis.listShards(req);
            shards.addAll(r.shards());
            next = r.nextToken();
        } while (next != null);
        return shards;
    }

    @Override
    public InputPartition[] planInputPartitions(Offset startOffset, Offset endOffset) {
        KinesisOffset start = (KinesisOffset) startOffset;
        KinesisOffset end = (KinesisOffset) endOffset;
        List<InputPartition> parts = new ArrayList<>();
        for (Map.Entry<String, ShardPosition> e : end.shards().entrySet()) {
            String endSeq = e.getValue().afterSequenceNumber();
            if (endSeq == null) {
                continue;
            }
            ShardPosition from = start.shards().get(e.getKey());
            String afterSeq = from == null ? null : from.afterSequenceNumber();
            if (endSeq.equals(afterSeq)) {
                continue;
            }
            parts.add(new ShardRange(options.streamName(), e.getKey(), end.startPosition(), afterSeq, endSeq,
                    options.minGetRecordsIntervalMs()));
        }
        return parts.toArray(new InputPartition[0]);
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
        return new ReaderFactory();
    }

    @Override
    public Offset deserializeOffset(String json) {
        return KinesisOffset.fromJson(json);
    }

    @Override
    public void commit(Offset end) {
        // Kinesis keeps records for its retention period; progress lives in Spark's checkpoint only.
    }

    @Override
    public void stop() {
    }

    private static final class ReaderFactory implements PartitionReaderFactory {
        @Override
        public PartitionReader<InternalRow> createReader(InputPartition partition) {
            ShardRange range = (ShardRange) partition;
            ShardReader reader = new ShardReader(KinesisClients.shared(), range.stream(), range.shardId(),
                    range.start(), range.minGetRecordsIntervalMs());
            List<Record> records;
            try {
                records = reader.readRange(range.afterSeq(), range.endSeq());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading " + range.shardId(), e);
            }
            return new UserRecordReader(range, Deaggregation.userRecords(records));
        }
    }
}
