package io.sensorpipe.archive.it;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.kpl.Messages;

/** Putting and reading back Kinesis records, KPL aggregates included (the cloud itself is test-kit's TestCloud). */
final class KinesisRecords {
    private KinesisRecords() {
    }

    /** A KPL aggregated record (magic, AggregatedRecord protobuf, MD5), built by hand like the KPL does. */
    static byte[] kplAggregate(List<byte[]> userRecords, String partitionKey) throws Exception {
        Messages.AggregatedRecord.Builder agg = Messages.AggregatedRecord.newBuilder().addPartitionKeyTable(partitionKey);
        for (byte[] r : userRecords) {
            agg.addRecords(Messages.Record.newBuilder().setPartitionKeyIndex(0).setData(ByteString.copyFrom(r)));
        }
        byte[] body = agg.build().toByteArray();
        byte[] md5 = MessageDigest.getInstance("MD5").digest(body);
        ByteBuffer out = ByteBuffer.allocate(AggregatorUtil.AGGREGATED_RECORD_MAGIC.length + body.length + md5.length);
        out.put(AggregatorUtil.AGGREGATED_RECORD_MAGIC).put(body).put(md5);
        return out.array();
    }

    static void put(KinesisClient kinesis, String stream, String partitionKey, byte[] data) {
        kinesis.putRecord(b -> b.streamName(stream).partitionKey(partitionKey).data(SdkBytes.fromByteArray(data)));
    }

    /** Every user record in the stream, KPL aggregates unpacked (reads each shard from TRIM_HORIZON to its tip). */
    static List<byte[]> readAll(KinesisClient kinesis, String stream) {
        List<byte[]> out = new ArrayList<>();
        AggregatorUtil aggregator = new AggregatorUtil();
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                final String it = iterator;
                GetRecordsResponse resp = kinesis.getRecords(b -> b.shardIterator(it).limit(1000));
                List<KinesisClientRecord> records = new ArrayList<>();
                resp.records().forEach(r -> records.add(KinesisClientRecord.fromRecord(r)));
                for (KinesisClientRecord r : aggregator.deaggregate(records)) {
                    byte[] b = new byte[r.data().remaining()];
                    r.data().duplicate().get(b);
                    out.add(b);
                }
                if (resp.records().isEmpty() && (resp.millisBehindLatest() == null || resp.millisBehindLatest() == 0)) {
                    break;
                }
                iterator = resp.nextShardIterator();
            }
        }
        return out;
    }

}
