package io.sensorpipe.alerts.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorpipe.alerts.AlertConfig;
import io.sensorpipe.alerts.AlertHandler;
import io.sensorpipe.alerts.cooldown.AlertStateStore;
import io.sensorpipe.alerts.filter.AnomalyFilter;
import io.sensorpipe.alerts.runner.LocalEventSourceRunner;
import io.sensorpipe.alerts.runner.RunnerSettings;
import io.sensorpipe.aws.DynamoTables;
import io.sensorpipe.aws.ResultItemValues;
import io.sensorpipe.contract.Tables;
import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.testkit.TestCloud;
import io.sensorpipe.schema.WindowResult;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The alert module's wiring on top of the shared {@link TestCloud}: results table (from {@link Tables#RESULTS}, with
 * its NEW_IMAGE stream), alert-state table, alert topic, a queue subscribed to it and a DLQ, all uniquely named and
 * deleted on close; plus the handler and runner built on them.
 */
final class AlertRig implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    final TestCloud cloud = TestCloud.connect();
    final DynamoDbClient dynamo = cloud.dynamo();
    final DynamoDbStreamsClient streams = cloud.dynamoStreams();
    final SnsClient sns = cloud.sns();
    final SqsClient sqs = cloud.sqs();

    final String resultsTable;
    final String stateTable;
    final String streamArn;
    final String topicArn;
    final String alertQueueUrl;
    final String dlqUrl;

    AlertRig() {
        DynamoTables.Ensured results = cloud.createTable(Tables.RESULTS, "alerts-it-results");
        resultsTable = results.table().tableName();
        streamArn = results.streamArn();
        stateTable = cloud.createTable(Tables.ALERT_STATE, "alerts-it-state").table().tableName();
        topicArn = cloud.createTopic("alerts-it");
        alertQueueUrl = cloud.createQueue("alerts-it");
        dlqUrl = cloud.createQueue("alerts-it-dlq");
        cloud.subscribe(topicArn, alertQueueUrl);
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

    /** The results-table item of a window, as the streaming job writes it (the shared mapping). */
    static Map<String, AttributeValue> item(WindowResult w) {
        return ResultItemValues.toItem(w, ResultItem.DEFAULT_TTL);
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

    @Override
    public void close() {
        cloud.close();
    }
}
