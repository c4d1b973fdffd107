package io.sensorpipe.alerts;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.sensorpipe.alerts.runner.LocalContext;
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
        // nothing listens there: a call fails at once, as a state table or topic that cannot be reached
        var nowhere = java.net.URI.create("http://127.0.0.1:9");
        var keys = software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test"));
        dynamo = DynamoDbClient.builder().region(Region.US_EAST_1).endpointOverride(nowhere).credentialsProvider(keys).build();
        sns = SnsClient.builder().region(Region.US_EAST_1).endpointOverride(nowhere).credentialsProvider(keys).build();
        handler = new AlertHandler(AlertConfig.fromEnv(Map.of(
                AlertConfig.TOPIC_ARN, "arn:aws:sns:us-east-1:000000000000:unused",
                AlertConfig.STATE_TABLE, "unit-alert-state")), dynamo, sns, Clock.systemUTC());
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

    /** A later window of fixture 0's sensor, after it in the stream. */
    private static DynamodbEvent.DynamodbStreamRecord laterWindowOf(DynamodbEvent.DynamodbStreamRecord earlier) {
        DynamodbEvent.DynamodbStreamRecord later = fixture(0);
        String sensor = earlier.getDynamodb().getKeys().get("sensorId").getS();
        later.getDynamodb().setSequenceNumber("111100000000000000000004");
        later.getDynamodb().getKeys().get("sensorId").setS(sensor);
        later.getDynamodb().getNewImage().get("sensorId").setS(sensor);
        later.getDynamodb().getKeys().get("windowStart").setN("1764075600000");
        later.getDynamodb().getNewImage().get("windowStart").setN("1764075600000");
        later.getDynamodb().getNewImage().get("windowEnd").setN("1764075660000");
        return later;
    }

    @Test
    void aSensorsLaterWindowIsNotHandledInABatchWhereItsEarlierWindowFailedForNow() {
        // sent first, the later window's cooldown would suppress the earlier one's retry: its alert lost
        DynamodbEvent.DynamodbStreamRecord earlier = fixture(0);
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(earlier, laterWindowOf(earlier)));

        StreamsEventResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("111100000000000000000001", "111100000000000000000004");
        assertThat(handler.lastFailureReasons().get("111100000000000000000001")).as("the state table is unreachable")
                .startsWith("alert-state claim failed");
        assertThat(handler.lastFailureReasons().get("111100000000000000000004")).as("not handled (no claim tried)")
                .isEqualTo(AlertHandler.AFTER_FAILED_WINDOW_REASON);
    }

    @Test
    void recordsMetCloseToTheTimeoutAreReportedUnhandledForTheRetry() {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(fixture(0), fixture(1)));

        StreamsEventResponse response = handler.handleRequest(event, new LocalContext(AlertHandler.RECORD_RESERVE_MS - 1));

        assertThat(response.getBatchItemFailures()).hasSize(2);
        assertThat(handler.lastFailureReasons().values()).containsOnly(AlertHandler.NEAR_TIMEOUT_REASON);
    }

    @Test
    void aClaimsLeaseEndsSecondsAfterTheInvocationThatMadeItCanRun() {
        assertThat(handler.leaseFor(null)).isEqualTo(handler.config().claimLease());
        assertThat(handler.leaseFor(new LocalContext(3_000)).toMillis()).isBetween(5_000L,
                3_000 + AlertHandler.LEASE_PAST_INVOCATION_MS);
        assertThat(handler.leaseFor(new LocalContext(600_000))).isEqualTo(handler.config().claimLease());
    }

    @Test
    void aMalformedWindowDoesNotHoldItsSensorsLaterWindowsBack() {
        // never sent, so no later window's cooldown can suppress it: the later one is handled (here it fails at the
        // state table, which this test has none of, rather than being held back)
        DynamodbEvent.DynamodbStreamRecord failed = fixture(2);
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(failed, laterWindowOf(failed)));

        handler.handleRequest(event, null);

        assertThat(handler.lastFailureReasons().get("111100000000000000000003")).startsWith("malformed image");
        assertThat(handler.lastFailureReasons().get("111100000000000000000004")).as("handled, not held back")
                .startsWith("alert-state claim failed");
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
