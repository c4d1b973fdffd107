package io.sensorpipe.alerts;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The paths that need no AWS call: normal windows, removes, malformed images (the alert path is in the IT). */
class AlertHandlerTest {
    private static DynamoDbClient dynamo;
    private static SnsClient sns;
    private static AlertHandler handler;

    @BeforeAll
    static void handler() {
        dynamo = DynamoDbClient.builder().region(Region.US_EAST_1).build();
        sns = SnsClient.builder().region(Region.US_EAST_1).build();
        handler = new AlertHandler(AlertConfig.fromEnv(Map.of(
                AlertConfig.TOPIC_ARN, "arn:aws:sns:us-east-1:000000000000:unused",
                AlertConfig.STATE_TABLE, "unused")), dynamo, sns, Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        dynamo.close();
        sns.close();
    }

    private static DynamodbEvent.DynamodbStreamRecord fixture(int index) {
        return EventLoader.loadDynamoDbEvent("events/results-stream-batch.json").getRecords().get(index);
    }

    @Test
    void normalWindowIsIgnoredEvenWhenTheFilterLetItThrough() {
        RecordOutcome outcome = handler.process(fixture(1));

        assertThat(outcome.kind()).isEqualTo(RecordOutcome.Kind.IGNORED);
    }

    @Test
    void removeEventIsIgnored() {
        DynamodbEvent.DynamodbStreamRecord removed = fixture(0);
        removed.setEventName("REMOVE");

        assertThat(handler.process(removed).kind()).isEqualTo(RecordOutcome.Kind.IGNORED);
    }

    @Test
    void malformedImageIsReportedAsABatchItemFailureNamingTheAttribute() {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(fixture(1), fixture(2)));

        StreamsEventResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("111100000000000000000003");
        assertThat(handler.lastFailureReasons().get("111100000000000000000003"))
                .startsWith("malformed image").contains("anomalyScore");
    }

    @Test
    void aSensorsLaterWindowIsNotHandledInABatchWhereItsEarlierWindowFailed() {
        // sent first, the later window's cooldown would suppress the earlier one's retry: its alert lost
        DynamodbEvent.DynamodbStreamRecord failed = fixture(2);
        DynamodbEvent.DynamodbStreamRecord later = fixture(0);
        String sensor = failed.getDynamodb().getKeys().get("sensorId").getS();
        later.getDynamodb().getKeys().get("sensorId").setS(sensor);
        later.getDynamodb().getNewImage().get("sensorId").setS(sensor);
        later.getDynamodb().getKeys().get("windowStart").setN("1764075600000");
        later.getDynamodb().getNewImage().get("windowStart").setN("1764075600000");
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(failed, later));

        StreamsEventResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("111100000000000000000003", "111100000000000000000001");
        assertThat(handler.lastFailureReasons().get("111100000000000000000001"))
                .as("not handled (no claim tried)").isEqualTo(AlertHandler.AFTER_FAILED_WINDOW_REASON);
    }

    @Test
    void recordWithoutDynamodbSectionOrEmptyEventDoesNotThrow() {
        DynamodbEvent.DynamodbStreamRecord empty = new DynamodbEvent.DynamodbStreamRecord();
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(empty));

        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).hasSize(1);
        assertThat(handler.handleRequest(new DynamodbEvent(), null).getBatchItemFailures()).isEmpty();
    }
}
