package io.sensorpipe.alerts.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorpipe.alerts.AlertConfig;
import io.sensorpipe.alerts.AlertHandler;
import io.sensorpipe.alerts.AwsClients;
import io.sensorpipe.alerts.cooldown.AlertStateStore;
import io.sensorpipe.alerts.filter.AnomalyFilter;
import io.sensorpipe.alerts.runner.LocalEventSourceRunner;
import io.sensorpipe.alerts.runner.RunnerSettings;
import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.schema.WindowResult;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One test's resources in the local cloud, named with a random suffix so parallel runs never share them:
 * results table (stream NEW_IMAGE), alert-state table, alert topic, a queue subscribed to it and a DLQ.
 */
final class LocalAlertCloud implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    final DynamoDbClient dynamo = AwsClients.dynamoDb();
    final DynamoDbStreamsClient streams = AwsClients.dynamoDbStreams();
    final SnsClient sns = AwsClients.sns();
    final SqsClient sqs = AwsClients.sqs();

    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final String resultsTable = "alerts-it-results-" + suffix;
    final String stateTable = "alerts-it-state-" + suffix;
    final String streamArn;
    final String topicArn;
    final String alertQueueUrl;
    final String dlqUrl;

    LocalAlertCloud() {
        streamArn = dynamo.createTable(b -> b.tableName(resultsTable).billingMode(BillingMode.PAY_PER_REQUEST)
                        .keySchema(k -> k.attributeName(ResultItem.SENSOR_ID).keyType(KeyType.HASH),
                                k -> k.attributeName(ResultItem.WINDOW_START).keyType(KeyType.RANGE))
                        .attributeDefinitions(
                                a -> a.attributeName(ResultItem.SENSOR_ID).attributeType(ScalarAttributeType.S),
                                a -> a.attributeName(ResultItem.WINDOW_START).attributeType(ScalarAttributeType.N))
                        .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)))
                .tableDescription().latestStreamArn();
        dynamo.createTable(b -> b.tableName(stateTable).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName(AlertStateStore.SENSOR_ID).keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName(AlertStateStore.SENSOR_ID).attributeType(ScalarAttributeType.S)));
        topicArn = sns.createTopic(b -> b.name("alerts-it-" + suffix)).topicArn();
        alertQueueUrl = sqs.createQueue(b -> b.queueName("alerts-it-" + suffix)).queueUrl();
        dlqUrl = sqs.createQueue(b -> b.queueName("alerts-it-dlq-" + suffix)).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(alertQueueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
    }

    AlertHandler handler(Duration cooldown) {
        return handler(cooldown, Clock.systemUTC());
    }

    AlertHandler handler(Duration cooldown, Clock clock) {
        return handler(cooldown, Duration.ofSeconds(60), clock);
    }

    AlertHandler handler(Duration cooldown, Duration claimLease, Clock clock) {
        return new AlertHandler(AlertConfig.fromEnv(Map.of(
                AlertConfig.TOPIC_ARN, topicArn,
                AlertConfig.STATE_TABLE, stateTable,
                AlertConfig.COOLDOWN_SECONDS, Long.toString(cooldown.toSeconds()),
                AlertConfig.CLAIM_LEASE_SECONDS, Long.toString(claimLease.toSeconds()))), dynamo, sns, clock);
    }

    /** A runner reading the results stream from its start (a fresh event source mapping), with short retry waits. */
    LocalEventSourceRunner runner(AlertHandler handler, int maxRetries) {
        return runner(handler, settings(maxRetries));
    }

    RunnerSettings settings(int maxRetries) {
        return RunnerSettings.defaults(streamArn).withDlqUrl(dlqUrl).withMaxRetries(maxRetries)
                .withRetryBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    LocalEventSourceRunner runner(AlertHandler handler, RunnerSettings settings) {
        return new LocalEventSourceRunner(streams, sqs, handler, AnomalyFilter.pattern(), settings);
    }

    void write(WindowResult window) {
        dynamo.putItem(b -> b.tableName(resultsTable).item(item(window)));
    }

    void writeRaw(Map<String, AttributeValue> item) {
        dynamo.putItem(b -> b.tableName(resultsTable).item(item));
    }

    /** The results-table item of a window, as the streaming job writes it ({@link ResultItem}). */
    static Map<String, AttributeValue> item(WindowResult w) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ResultItem.SENSOR_ID, AttributeValue.fromS(w.sensorId()));
        item.put(ResultItem.WINDOW_START, n(w.windowStart()));
        item.put(ResultItem.WINDOW_END, n(w.windowEnd()));
        item.put(ResultItem.COUNT, n(w.count()));
        item.put(ResultItem.MIN, n(w.min()));
        item.put(ResultItem.MAX, n(w.max()));
        item.put(ResultItem.MEAN, n(w.mean()));
        item.put(ResultItem.VARIANCE, n(w.variance()));
        item.put(ResultItem.FIRST_TS, n(w.firstTs()));
        item.put(ResultItem.LAST_TS, n(w.lastTs()));
        item.put(ResultItem.ANOMALY_SCORE, n(w.anomalyScore()));
        item.put(ResultItem.ANOMALY_GRADE, n(w.anomalyGrade()));
        item.put(ResultItem.ANOMALY, AttributeValue.fromBool(w.anomaly()));
        if (w.expected() != null) {
            item.put(ResultItem.EXPECTED, n(w.expected()));
        }
        item.put(ResultItem.MODEL_VERSION, AttributeValue.fromS(w.modelVersion()));
        item.put(ResultItem.PROCESSED_AT, n(w.processedAt()));
        item.put(ResultItem.TYPE, AttributeValue.fromS(w.type()));
        item.put(ResultItem.SITE, AttributeValue.fromS(w.site()));
        item.put(ResultItem.UNIT, AttributeValue.fromS(w.unit()));
        if (w.anomaly()) {
            item.put(ResultItem.ANOMALY_DAY, AttributeValue.fromS(ResultItem.anomalyDay(w.windowStart())));
        }
        return item;
    }

    static WindowResult window(String sensorId, long windowStart, double score, boolean anomaly) {
        return new WindowResult(sensorId, windowStart, windowStart + 60_000, 12, 10, 30, 20, 4, windowStart + 1,
                windowStart + 59_000, score, anomaly ? score : 0, anomaly, 12.5, "trcf-test", System.currentTimeMillis(),
                "temperature", "site-it", "C");
    }

    /** Every SNS envelope on the alert queue (deleted as read). */
    List<JsonNode> drainAlerts() {
        return drain(alertQueueUrl);
    }

    List<JsonNode> drainDeadLetters() {
        return drain(dlqUrl);
    }

    private List<JsonNode> drain(String queueUrl) {
        List<JsonNode> bodies = new ArrayList<>();
        while (true) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages();
            if (messages.isEmpty()) {
                return bodies;
            }
            for (Message message : messages) {
                try {
                    bodies.add(MAPPER.readTree(message.body()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
    }

    private static AttributeValue n(double value) {
        return AttributeValue.fromN(Double.toString(value));
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    @Override
    public void close() {
        dynamo.deleteTable(b -> b.tableName(resultsTable));
        dynamo.deleteTable(b -> b.tableName(stateTable));
        sns.deleteTopic(b -> b.topicArn(topicArn));
        sqs.deleteQueue(b -> b.queueUrl(alertQueueUrl));
        sqs.deleteQueue(b -> b.queueUrl(dlqUrl));
        dynamo.close();
        streams.close();
        sns.close();
        sqs.close();
    }
}
