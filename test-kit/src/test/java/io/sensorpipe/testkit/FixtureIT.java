package io.sensorpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.aws.DynamoTables;
import io.sensorpipe.aws.ResultItemValues;
import io.sensorpipe.aws.SnsAlertAttributes;
import io.sensorpipe.contract.AlertAttributes;
import io.sensorpipe.contract.SnsEnvelope;
import io.sensorpipe.contract.Tables;
import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.schema.WindowResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.sqs.model.Message;

/** The fixture and the sensor-aws helpers against the running local cloud. */
class FixtureIT {
    private static final long START = 1_764_072_000_000L;

    @Test
    void resultsTableFromTheSharedSpecIsCreatedOnceWithTtlAndHoldsTheSharedItem() {
        try (TestCloud cloud = TestCloud.connect()) {
            DynamoTables.Ensured first = cloud.createTable(Tables.RESULTS, "kit-results");
            String table = first.table().tableName();
            assertThat(first.created()).isTrue();
            assertThat(first.ttlEnabledNow()).isTrue();
            assertThat(first.streamArn()).isNotBlank();
            assertThat(first.table().globalSecondaryIndexes()).extracting(i -> i.indexName())
                    .containsExactly(ResultItem.ANOMALIES_GSI);
            assertThat(cloud.dynamo().describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription())
                    .satisfies(t -> {
                        assertThat(t.attributeName()).isEqualTo(ResultItem.TTL);
                        assertThat(t.timeToLiveStatus()).isIn(TimeToLiveStatus.ENABLED, TimeToLiveStatus.ENABLING);
                    });

            DynamoTables.Ensured again = DynamoTables.createIfMissing(cloud.dynamo(), Tables.RESULTS, table);
            assertThat(again.created()).isFalse();
            assertThat(again.ttlEnabledNow()).isFalse();

            WindowResult w = new WindowResult("site-a/pump-7/temperature", START, START + 60_000, 12, 10.5, 30.25,
                    20.0, 4.5, START + 1, START + 59_000, 0.93, 0.8, true, 12.5, "trcf-v1", START + 61_000,
                    "temperature", "site-a", "C");
            cloud.dynamo().putItem(b -> b.tableName(table).item(ResultItemValues.toItem(w, Duration.ofDays(7))));
            var stored = cloud.dynamo().getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                    ResultItem.SENSOR_ID, ResultItemValues.toItem(w, Duration.ofDays(7)).get(ResultItem.SENSOR_ID),
                    ResultItem.WINDOW_START, ResultItemValues.toItem(w, Duration.ofDays(7)).get(ResultItem.WINDOW_START))))
                    .item();
            assertThat(ResultItemValues.fromItem(stored)).isEqualTo(w);
            // the sparse GSI finds it by day
            assertThat(cloud.dynamo().query(b -> b.tableName(table).indexName(ResultItem.ANOMALIES_GSI)
                    .keyConditionExpression("#d = :d").expressionAttributeNames(Map.of("#d", ResultItem.ANOMALY_DAY))
                    .expressionAttributeValues(Map.of(":d", stored.get(ResultItem.ANOMALY_DAY)))).count()).isEqualTo(1);
        }
    }

    @Test
    void alertStateTableHasNoStream() {
        try (TestCloud cloud = TestCloud.connect()) {
            DynamoTables.Ensured state = cloud.createTable(Tables.ALERT_STATE);
            assertThat(state.table().tableName()).startsWith(Tables.AlertState.DEFAULT_TABLE + "-" + cloud.suffix());
            assertThat(state.streamArn()).isNull();
        }
    }

    @Test
    void streamBucketAndTopicToQueueWorkAndAreDeletedOnClose() {
        String stream;
        String bucket;
        String queueUrl;
        TestCloud cloud = TestCloud.connect();
        try (cloud) {
            stream = cloud.createStream("kit-stream", 2);
            assertThat(cloud.kinesis().describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary())
                    .satisfies(s -> {
                        assertThat(s.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
                        assertThat(s.openShardCount()).isEqualTo(2);
                    });

            bucket = cloud.createBucket("kit-bucket");
            cloud.s3().putObject(b -> b.bucket(bucket).key("a/b.txt"), RequestBody.fromString("x"));
            assertThat(cloud.s3().listObjectsV2(b -> b.bucket(bucket)).keyCount()).isEqualTo(1);

            String topic = cloud.createTopic("kit-topic");
            queueUrl = cloud.createQueue("kit-queue");
            cloud.subscribe(topic, queueUrl);
            cloud.sns().publish(b -> b.topicArn(topic).subject("s").message("body").messageAttributes(
                    SnsAlertAttributes.of(Map.of(AlertAttributes.SENSOR_ID, "pump-7"),
                            Map.of(AlertAttributes.SCORE, "0.9"))));
            List<Message> received = List.of();
            for (int i = 0; i < 10 && received.isEmpty(); i++) {
                received = cloud.sqs().receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1)).messages();
            }
            assertThat(received).hasSize(1);
            SnsEnvelope alert = SnsEnvelope.parse(received.get(0).body(), Map.of());
            assertThat(alert.wrapped()).isTrue();
            assertThat(alert.message()).isEqualTo("body");
            assertThat(alert.attribute(AlertAttributes.SENSOR_ID)).isEqualTo("pump-7");
            assertThat(alert.attribute(AlertAttributes.SCORE)).isEqualTo("0.9");
        }
        try (TestCloud other = TestCloud.connect()) {
            // Kinesis deletes asynchronously: gone, or on its way
            try {
                assertThat(other.kinesis().describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary()
                        .streamStatus()).isEqualTo(StreamStatus.DELETING);
            } catch (ResourceNotFoundException gone) {
                // deleted
            }
            assertThat(other.s3().listBuckets().buckets()).extracting(b -> b.name()).doesNotContain(bucket);
            assertThat(other.sqs().listQueues().queueUrls()).doesNotContain(queueUrl);
        }
    }

    @Test
    void environmentForChildProcessesNamesTheSameCloud() {
        try (TestCloud cloud = TestCloud.connect()) {
            Map<String, String> env = cloud.environment();
            assertThat(env).containsKeys("AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID");
            assertThat(env.get("AWS_ENDPOINT_URL")).isEqualTo(cloud.endpoint("SQS").toString());
            assertThat(cloud.uniqueName("A")).isNotEqualTo(cloud.uniqueName("A")).startsWith("a-" + cloud.suffix());
        }
    }
}
