package io.sensorpipe.aws;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sensorpipe.schema.ReadingParser;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.kpl.Messages;

/**
 * KPL de-aggregation that never throws and never drops a record. The KCL's {@code AggregatorUtil} drops an aggregate's
 * inner records whose explicit hash key lies outside the range it is given (and those before them), and on an index
 * outside the aggregate's key tables it keeps the inner records before it, loses the rest, and then fails on a class
 * its error log needs ({@code javax.xml.bind}, absent here): every re-read of that record failed the same way.
 *
 * <p>Here an intact aggregate gives all its inner records, numbered 0..n-1 as the KCL numbers them (so stream
 * positions and dedup keys are the same as before). The key tables are only metadata to this job (it reads whole
 * shards and takes the sensor from the reading), so an index outside its table gives the outer record's partition key
 * and no explicit hash key. A record that has the KPL's magic prefix but whose checksum does not match or whose body
 * is not the KPL's message passes as one plain record, as in the KCL; the parser dead-letters it naming the KPL
 * ({@link ReadingParser#KPL_AGGREGATE_MAGIC}). Used by the job's Kinesis source and by the local archive bridge
 * (through the KCL's {@code AggregatorUtil} hook).
 */
public final class KplDeaggregation {
    private static final byte[] MAGIC = ReadingParser.KPL_AGGREGATE_MAGIC;
    private static final int DIGEST_BYTES = 16;

    private KplDeaggregation() {
    }

    /**
     * This de-aggregation in the KCL's place ({@code LifecycleConfig.aggregatorUtil}): the KCL's record processors
     * then get every inner record, whatever its explicit hash key, instead of losing some.
     */
    public static AggregatorUtil forKcl() {
        return new AggregatorUtil() {
            @Override
            public List<KinesisClientRecord> deaggregate(List<KinesisClientRecord> records) {
                return KplDeaggregation.deaggregate(records);
            }

            @Override
            public List<KinesisClientRecord> deaggregate(List<KinesisClientRecord> records, String startingHashKey,
                    String endingHashKey) {
                return KplDeaggregation.deaggregate(records); // a shard's records are all its own: nothing to filter
            }

            @Override
            public List<KinesisClientRecord> deaggregate(List<KinesisClientRecord> records,
                    BigInteger startingHashKey, BigInteger endingHashKey) {
                return KplDeaggregation.deaggregate(records);
            }
        };
    }

    /** Each record's user records, in order: an aggregate's inner records, any other record as it is. */
    public static List<KinesisClientRecord> deaggregate(List<KinesisClientRecord> records) {
        List<KinesisClientRecord> out = new ArrayList<>(records.size());
        for (KinesisClientRecord r : records) {
            Messages.AggregatedRecord aggregate = aggregate(r.data());
            if (aggregate == null || aggregate.getRecordsCount() == 0) { // an empty aggregate must not vanish either
                out.add(r);
                continue;
            }
            List<String> keys = aggregate.getPartitionKeyTableList();
            List<String> hashKeys = aggregate.getExplicitHashKeyTableList();
            long sub = 0;
            for (Messages.Record inner : aggregate.getRecordsList()) {
                String key = entry(keys, inner.getPartitionKeyIndex(), r.partitionKey());
                String hashKey = inner.hasExplicitHashKeyIndex()
                        ? entry(hashKeys, inner.getExplicitHashKeyIndex(), null) : null;
                out.add(r.toBuilder().data(ByteBuffer.wrap(inner.getData().toByteArray())).partitionKey(key)
                        .explicitHashKey(hashKey).subSequenceNumber(sub++).aggregated(true).build());
            }
        }
        return out;
    }

    /** The KPL message in {@code data}, or null when it is not an intact aggregate (then {@code data} is unread). */
    private static Messages.AggregatedRecord aggregate(ByteBuffer data) {
        ByteBuffer bb = data.duplicate();
        if (bb.remaining() <= MAGIC.length + DIGEST_BYTES) {
            return null;
        }
        byte[] magic = new byte[MAGIC.length];
        bb.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            return null;
        }
        byte[] body = new byte[bb.remaining() - DIGEST_BYTES];
        bb.get(body);
        byte[] digest = new byte[DIGEST_BYTES];
        bb.get(digest);
        if (!Arrays.equals(digest, md5(body))) {
            return null;
        }
        try {
            return Messages.AggregatedRecord.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    private static String entry(List<String> table, long index, String fallback) {
        return index >= 0 && index < table.size() ? table.get((int) index) : fallback;
    }

    private static byte[] md5(byte[] body) {
        try {
            return MessageDigest.getInstance("MD5").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java runtime", e);
        }
    }
}
