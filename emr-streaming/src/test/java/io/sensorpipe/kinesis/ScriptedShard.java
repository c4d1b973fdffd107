package io.sensorpipe.kinesis;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.kpl.Messages;

/**
 * One shard behind the reader's {@link KinesisApi}, driving the pages Kinesis returns but kinesis-mock never does:
 * empty pages while records follow (Kinesis skipping an empty stretch), empty pages at a closed shard's end. Not a
 * stand-in for AWS's client: it implements the source's own three-call interface.
 */
final class ScriptedShard implements KinesisApi {
    final String shardId;
    final List<Record> records = new ArrayList<>();
    /** Before the record at index i (key), this many empty pages are returned first. */
    final java.util.Map<Integer, Integer> emptyPagesBefore = new java.util.HashMap<>();
    boolean closed;
    int trimmedBelow; // records below this index are gone (retention)
    private final ReadStats stats = new ReadStats();
    final List<String> calls = new ArrayList<>();

    ScriptedShard(String shardId) {
        this.shardId = shardId;
    }

    ScriptedShard add(String json) {
        return add(SdkBytes.fromUtf8String(json), java.time.Instant.ofEpochSecond(records.size()));
    }

    private ScriptedShard add(SdkBytes data, java.time.Instant arrival) {
        String seq = BigInteger.valueOf(1000 + records.size() * 10L).toString();
        records.add(Record.builder().sequenceNumber(seq).partitionKey("k").data(data)
                .approximateArrivalTimestamp(arrival).build());
        return this;
    }

    /** A reading stored as it was made (its arrival time is its event time). */
    ScriptedShard reading(long ts) {
        return reading(ts, ts);
    }

    /** A reading the stream stored at {@code arrivalMillis}. */
    ScriptedShard reading(long ts, long arrivalMillis) {
        return add(SdkBytes.fromUtf8String(json(ts)), java.time.Instant.ofEpochMilli(arrivalMillis));
    }

    private static String json(long ts) {
        return "{\"v\":1,\"sensorId\":\"s\",\"type\":\"t\",\"ts\":" + ts + ",\"value\":1}";
    }

    /** One KPL aggregated record (magic, AggregatedRecord protobuf, MD5: as the KPL writes it) of readings at ts. */
    ScriptedShard aggregate(long... ts) {
        Messages.AggregatedRecord.Builder agg = Messages.AggregatedRecord.newBuilder().addPartitionKeyTable("k");
        for (long t : ts) {
            agg.addRecords(Messages.Record.newBuilder().setPartitionKeyIndex(0)
                    .setData(ByteString.copyFromUtf8(json(t))));
        }
        byte[] body = agg.build().toByteArray();
        byte[] md5;
        try {
            md5 = MessageDigest.getInstance("MD5").digest(body);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer out = ByteBuffer.allocate(AggregatorUtil.AGGREGATED_RECORD_MAGIC.length + body.length + md5.length);
        out.put(AggregatorUtil.AGGREGATED_RECORD_MAGIC).put(body).put(md5);
        return add(SdkBytes.fromByteArray(out.array()),
                java.time.Instant.ofEpochMilli(java.util.Arrays.stream(ts).max().orElse(0)));
    }

    @Override
    public List<Shard> listShards(String stream) {
        return List.of(Shard.builder().shardId(shardId).build());
    }

    /** DescribeStreamSummary's answer: 24 h retention, created long ago (tests change it). */
    KinesisApi.Retention retention = new KinesisApi.Retention(24 * 3_600_000L, 0);

    @Override
    public KinesisApi.Retention retention(String stream) {
        stats.otherCalls.incrementAndGet();
        calls.add("DescribeStreamSummary");
        return retention;
    }

    @Override
    public String shardIterator(GetShardIteratorRequest request) {
        stats.otherCalls.incrementAndGet();
        calls.add("GetShardIterator " + request.shardIteratorType());
        if (request.shardIteratorType() == ShardIteratorType.TRIM_HORIZON) {
            return iterator(trimmedBelow, 0);
        }
        if (request.shardIteratorType() == ShardIteratorType.AT_TIMESTAMP) { // arrival times: record i at i seconds
            long at = request.timestamp().toEpochMilli();
            return iterator(Math.max(trimmedBelow, (int) Math.min(records.size(), Math.max(0, (at + 999) / 1000))), 0);
        }
        String after = request.startingSequenceNumber();
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).sequenceNumber().equals(after)) {
                if (i < trimmedBelow) {
                    throw new PositionLostException("trimmed " + after, null);
                }
                return iterator(i + 1, 0);
            }
        }
        throw new PositionLostException("no record " + after, null);
    }

    private static String iterator(int index, int emptiesServed) {
        return index + ":" + emptiesServed;
    }

    @Override
    public GetRecordsResponse getRecords(String stream, String shard, String it, int limit) {
        stats.getRecordsCalls.incrementAndGet();
        calls.add("GetRecords " + it + " limit " + limit);
        String[] p = it.split(":");
        int index = Math.max(Integer.parseInt(p[0]), trimmedBelow);
        int empties = Integer.parseInt(p[1]);
        if (empties < emptyPagesBefore.getOrDefault(index, 0)) {
            return GetRecordsResponse.builder().records(List.of()).millisBehindLatest(5_000L)
                    .nextShardIterator(iterator(index, empties + 1)).build();
        }
        int to = Math.min(records.size(), index + limit);
        for (int i = index + 1; i < to; i++) { // a page stops before an empty stretch
            if (emptyPagesBefore.getOrDefault(i, 0) > 0) {
                to = i;
                break;
            }
        }
        List<Record> page = records.subList(index, to);
        stats.records.addAndGet(page.size());
        page.forEach(r -> stats.bytes.addAndGet(r.data().asByteArray().length));
        boolean atEnd = to == records.size() && (to == index || emptyPagesBefore.getOrDefault(to, 0) == 0);
        return GetRecordsResponse.builder().records(List.copyOf(page))
                .millisBehindLatest(atEnd ? 0L : 1_000L)
                .nextShardIterator(atEnd && closed ? null : iterator(to, 0)).build();
    }

    @Override
    public ReadStats stats() {
        return stats;
    }
}
