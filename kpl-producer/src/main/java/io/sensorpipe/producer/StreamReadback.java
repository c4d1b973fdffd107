package io.sensorpipe.producer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Reads every shard of a stream from the start to its current end (for the benchmark and tests). */
public final class StreamReadback {
    private StreamReadback() {
    }

    /** All Kinesis records (aggregated ones as they are stored) in the stream, shard by shard. */
    public static List<Record> readAll(KinesisClient kinesis, String stream) {
        List<Record> all = new ArrayList<>();
        readByShard(kinesis, stream).values().forEach(all::addAll);
        return all;
    }

    /** Each shard's records in its order, by shard id. */
    public static Map<String, List<Record>> readByShard(KinesisClient kinesis, String stream) {
        Map<String, List<Record>> byShard = new LinkedHashMap<>();
        List<Shard> shards = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            var page = kinesis.listShards(b -> {
                if (token == null) {
                    b.streamName(stream);
                } else {
                    b.nextToken(token);
                }
            });
            shards.addAll(page.shards());
            next = page.nextToken();
        } while (next != null);
        for (Shard shard : shards) {
            List<Record> all = byShard.computeIfAbsent(shard.shardId(), id -> new ArrayList<>());
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String it = iterator;
                GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(it).limit(10_000));
                all.addAll(r.records());
                // Caught up when a call returns nothing and nothing is behind.
                if (r.records().isEmpty() && (r.millisBehindLatest() == null || r.millisBehindLatest() == 0)) {
                    break;
                }
                iterator = r.nextShardIterator();
            }
        }
        return byShard;
    }
}
