package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.aws.ResultItemValues;
import io.sensorpipe.contract.Tables;
import io.sensorpipe.schema.ReadingCodec;
import io.sensorpipe.schema.WindowResult;
import io.sensorpipe.testkit.TestCloud;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import com.google.protobuf.ByteString;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.kpl.Messages;

/**
 * The job's view of the test kit's {@link TestCloud} (loopback-only, unique names, deletes what it created): one
 * stream, results table and dead-letter bucket per IT, the job's clients, and helpers to produce and read back.
 */
final class LocalCloudFixture implements AutoCloseable {
    final TestCloud cloud = TestCloud.connect();
    final String stream;
    final String table = cloud.createTable(Tables.RESULTS, "emr-it-results").table().tableName();
    final String bucket = cloud.createBucket("emr-it-dead");
    final KinesisClient kinesis = cloud.kinesis();
    final JobAwsClients aws = new JobAwsClients();

    LocalCloudFixture(int shards) {
        stream = cloud.createStream("emr-it", shards);
    }

    void awaitActive() {
        cloud.awaitStreamActive(stream);
    }

    /** Plain PutRecords, partition key = sensor id (as the producer does); retries failed entries. */
    void put(List<byte[]> records, List<String> partitionKeys) throws InterruptedException {
        for (int from = 0; from < records.size(); from += 500) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(records.size(), from + 500); i++) {
                entries.add(PutRecordsRequestEntry.builder().data(SdkBytes.fromByteArray(records.get(i)))
                        .partitionKey(partitionKeys.get(i)).build());
            }
            for (int attempt = 0; !entries.isEmpty(); attempt++) {
                assertThat(attempt).as("PutRecords attempts").isLessThan(20);
                PutRecordsResponse r = kinesis.putRecords(b -> b.streamName(stream).records(entries));
                List<PutRecordsRequestEntry> failed = new ArrayList<>();
                for (int i = 0; i < r.records().size(); i++) {
                    if (r.records().get(i).errorCode() != null) {
                        failed.add(entries.get(i));
                    }
                }
                entries.clear();
                entries.addAll(failed);
                if (!failed.isEmpty()) {
                    Thread.sleep(200);
                }
            }
        }
    }

    /** A KPL-aggregated record built by hand: magic, AggregatedRecord protobuf, MD5 of the protobuf. */
    static byte[] kplAggregate(List<byte[]> userRecords, List<String> partitionKeys) throws Exception {
        return kplAggregate(userRecords, partitionKeys, agg -> agg);
    }

    /** The same, with {@code edit} applied to the message before it is sealed (to build a malformed aggregate). */
    static byte[] kplAggregate(List<byte[]> userRecords, List<String> partitionKeys,
            UnaryOperator<Messages.AggregatedRecord.Builder> edit) throws Exception {
        Messages.AggregatedRecord.Builder agg = Messages.AggregatedRecord.newBuilder();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < userRecords.size(); i++) {
            String pk = partitionKeys.get(i);
            int idx = keys.indexOf(pk);
            if (idx < 0) {
                keys.add(pk);
                agg.addPartitionKeyTable(pk);
                idx = keys.size() - 1;
            }
            agg.addRecords(Messages.Record.newBuilder().setPartitionKeyIndex(idx)
                    .setData(ByteString.copyFrom(userRecords.get(i))));
        }
        byte[] body = edit.apply(agg).build().toByteArray();
        byte[] md5 = MessageDigest.getInstance("MD5").digest(body);
        byte[] out = new byte[AggregatorUtil.AGGREGATED_RECORD_MAGIC.length + body.length + md5.length];
        System.arraycopy(AggregatorUtil.AGGREGATED_RECORD_MAGIC, 0, out, 0, AggregatorUtil.AGGREGATED_RECORD_MAGIC.length);
        System.arraycopy(body, 0, out, AggregatorUtil.AGGREGATED_RECORD_MAGIC.length, body.length);
        System.arraycopy(md5, 0, out, AggregatorUtil.AGGREGATED_RECORD_MAGIC.length + body.length, md5.length);
        return out;
    }

    /** Every results item, as stored. */
    List<Map<String, AttributeValue>> items() {
        return cloud.dynamo().scanPaginator(b -> b.tableName(table)).items().stream().toList();
    }

    /** Every window result in the table (the shared item mapping read back). */
    List<WindowResult> windows() {
        return items().stream().map(ResultItemValues::fromItem).toList();
    }

    /** Every dead-letter line in the bucket, parsed. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> deadLetters() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (S3Object o : cloud.s3().listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            String body = cloud.s3().getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asString(StandardCharsets.UTF_8);
            for (String line : body.split("\n")) {
                if (!line.isBlank()) {
                    out.add(ReadingCodec.MAPPER.readValue(line, Map.class));
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        aws.close();
        cloud.close();
    }
}
