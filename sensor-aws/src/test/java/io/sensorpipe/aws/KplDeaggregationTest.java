package io.sensorpipe.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.sensorpipe.schema.ReadingParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.kpl.Messages;

class KplDeaggregationTest {
    private static final List<String> READINGS = List.of("{\"r\":0}", "{\"r\":1}", "{\"r\":2}");

    /** Three inner records, partition keys "a", "b", "a"; {@code edit} may break the message before it is sealed. */
    private static Messages.AggregatedRecord.Builder aggregate() {
        Messages.AggregatedRecord.Builder agg = Messages.AggregatedRecord.newBuilder()
                .addPartitionKeyTable("a").addPartitionKeyTable("b").addExplicitHashKeyTable("42");
        for (int i = 0; i < READINGS.size(); i++) {
            agg.addRecords(Messages.Record.newBuilder().setPartitionKeyIndex(i % 2)
                    .setData(ByteString.copyFromUtf8(READINGS.get(i))));
        }
        return agg;
    }

    private static KinesisClientRecord record(Messages.AggregatedRecord.Builder agg, UnaryOperator<byte[]> corrupt)
            throws Exception {
        byte[] body = agg.build().toByteArray();
        byte[] md5 = MessageDigest.getInstance("MD5").digest(body);
        ByteBuffer data = ByteBuffer.allocate(ReadingParser.KPL_AGGREGATE_MAGIC.length + body.length + md5.length)
                .put(ReadingParser.KPL_AGGREGATE_MAGIC).put(body).put(md5);
        return outer(corrupt.apply(data.array()));
    }

    private static KinesisClientRecord outer(byte[] data) {
        return KinesisClientRecord.builder().sequenceNumber("4955").partitionKey("outer")
                .approximateArrivalTimestamp(Instant.ofEpochMilli(1_000)).data(ByteBuffer.wrap(data)).build();
    }

    private static String text(KinesisClientRecord r) {
        return StandardCharsets.UTF_8.decode(r.data().duplicate()).toString();
    }

    @Test
    void anIntactAggregateGivesTheSameUserRecordsAsTheKcl() throws Exception {
        KinesisClientRecord in = record(aggregate(), b -> b);
        List<KinesisClientRecord> ours = KplDeaggregation.deaggregate(List.of(in));
        List<KinesisClientRecord> kcl = new AggregatorUtil().deaggregate(List.of(record(aggregate(), b -> b)));
        assertThat(ours).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(text(ours.get(i))).isEqualTo(READINGS.get(i)).isEqualTo(text(kcl.get(i)));
            assertThat(ours.get(i).subSequenceNumber()).isEqualTo(i).isEqualTo(kcl.get(i).subSequenceNumber());
            assertThat(ours.get(i).partitionKey()).isEqualTo(kcl.get(i).partitionKey());
            assertThat(ours.get(i).sequenceNumber()).isEqualTo("4955");
            assertThat(ours.get(i).aggregated()).isTrue();
        }
    }

    @Test
    void aPartitionKeyIndexOutsideItsTableKeepsEveryInnerRecordWithTheOuterKey() throws Exception {
        Messages.AggregatedRecord.Builder agg = aggregate();
        agg.setRecords(1, agg.getRecords(1).toBuilder().setPartitionKeyIndex(5));
        List<KinesisClientRecord> out = KplDeaggregation.deaggregate(List.of(record(agg, b -> b)));
        assertThat(out).extracting(KplDeaggregationTest::text).containsExactlyElementsOf(READINGS);
        assertThat(out).extracting(KinesisClientRecord::partitionKey).containsExactly("a", "outer", "a");
        assertThat(out).extracting(KinesisClientRecord::subSequenceNumber).containsExactly(0L, 1L, 2L);
    }

    @Test
    void explicitHashKeysOutsideTheHashRangeOrTheirTableDropNothing() throws Exception {
        Messages.AggregatedRecord.Builder agg = aggregate();
        agg.setExplicitHashKeyTable(0, "-1");
        agg.setRecords(0, agg.getRecords(0).toBuilder().setExplicitHashKeyIndex(0));
        agg.setRecords(2, agg.getRecords(2).toBuilder().setExplicitHashKeyIndex(7));
        List<KinesisClientRecord> out = KplDeaggregation.deaggregate(List.of(record(agg, b -> b)));
        assertThat(out).extracting(KplDeaggregationTest::text).containsExactlyElementsOf(READINGS);
        assertThat(out).extracting(KinesisClientRecord::explicitHashKey).containsExactly("-1", null, null);
    }

    @Test
    void aCorruptAggregatePassesAsOnePlainRecordThatTheParserRejectsNamingTheKpl() throws Exception {
        KinesisClientRecord badDigest = record(aggregate(), b -> {
            b[b.length - 1] ^= 1;
            return b;
        });
        byte[] garbage = "not a protobuf message at all".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[ReadingParser.KPL_AGGREGATE_MAGIC.length + garbage.length + 16];
        System.arraycopy(ReadingParser.KPL_AGGREGATE_MAGIC, 0, body, 0, 4);
        System.arraycopy(garbage, 0, body, 4, garbage.length);
        System.arraycopy(MessageDigest.getInstance("MD5").digest(garbage), 0, body, 4 + garbage.length, 16);
        KinesisClientRecord badBody = outer(body); // the digest matches, the body is no KPL message
        for (KinesisClientRecord bad : List.of(badDigest, badBody)) {
            List<KinesisClientRecord> out = KplDeaggregation.deaggregate(List.of(bad));
            assertThat(out).hasSize(1);
            assertThat(out.get(0).subSequenceNumber()).isZero();
            byte[] passed = new byte[out.get(0).data().remaining()];
            out.get(0).data().duplicate().get(passed);
            assertThat(passed).isEqualTo(bad.data().array());
            assertThat(ReadingParser.withDefaults().parse(passed).message()).contains("KPL aggregated record");
        }
    }

    @Test
    void anAggregateWithoutInnerRecordsPassesAsOnePlainRecord() throws Exception {
        KinesisClientRecord empty = record(Messages.AggregatedRecord.newBuilder().addPartitionKeyTable("a"), b -> b);
        assertThat(KplDeaggregation.deaggregate(List.of(empty))).containsExactly(empty);
    }

    @Test
    void plainRecordsPassAsTheyAre() {
        KinesisClientRecord plain = outer("{\"r\":9}".getBytes(StandardCharsets.UTF_8));
        assertThat(KplDeaggregation.deaggregate(List.of(plain))).containsExactly(plain);
    }
}
