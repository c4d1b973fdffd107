package io.sensorpipe.alerts.it;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.sensorpipe.alerts.AlertConfig;
import io.sensorpipe.alerts.AlertHandler;
import io.sensorpipe.alerts.cooldown.AlertClaim;
import io.sensorpipe.alerts.cooldown.AlertStateStore;
import io.sensorpipe.alerts.cooldown.ClaimOutcome;
import io.sensorpipe.alerts.runner.StreamRecordConverter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The claim → publish → mark/release protocol against the alert-state table in moto. */
class AlertStateStoreIT {
    private static final long T0 = 1_764_072_000_000L;

    private AlertRig cloud;

    @BeforeAll
    static void needsLocalCloud() {
        assertTrue(System.getenv("AWS_ENDPOINT_URL") != null, "AWS_ENDPOINT_URL not set: local cloud not configured");
    }

    @BeforeEach
    void resources() {
        cloud = new AlertRig();
    }

    @AfterEach
    void cleanUp() {
        cloud.close();
    }

    private AlertStateStore store(Clock clock) {
        return new AlertStateStore(cloud.dynamo, cloud.stateTable, Duration.ofMinutes(15), Duration.ofSeconds(60), clock);
    }

    @Test
    void concurrentClaimsOfTheSameWindowHaveExactlyOneWinner() throws Exception {
        AlertStateStore store = store(Clock.systemUTC());
        int contenders = 6;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<AlertClaim>> claims = new ArrayList<>();
        try {
            for (int i = 0; i < contenders; i++) {
                Callable<AlertClaim> claim = () -> {
                    start.await();
                    return store.claim("s-concurrent", T0);
                };
                claims.add(pool.submit(claim));
            }
            start.countDown();
            List<ClaimOutcome> outcomes = new ArrayList<>();
            for (Future<AlertClaim> claim : claims) {
                outcomes.add(claim.get().outcome());
            }
            assertThat(outcomes).filteredOn(o -> o == ClaimOutcome.CLAIMED).hasSize(1);
            assertThat(outcomes).filteredOn(o -> o != ClaimOutcome.CLAIMED).containsOnly(ClaimOutcome.IN_FLIGHT);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sentWindowIsADuplicateAndLaterWindowsWaitForTheCooldown() {
        AlertStateStore store = store(Clock.systemUTC());
        AlertClaim first = store.claim("s1", T0);
        assertThat(store.markSent(first, "msg-1")).isTrue();

        assertThat(store.claim("s1", T0).outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
        assertThat(store.claim("s1", T0 + 60_000).outcome()).isEqualTo(ClaimOutcome.COOLDOWN);
        assertThat(store.claim("s1", T0 - 60_000).outcome()).as("older window").isEqualTo(ClaimOutcome.COOLDOWN);
        assertThat(store.claim("s1", T0 + 15 * 60_000).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    }

    @Test
    void releasedClaimRestoresThePreviousAlertSoTheRetryCanSend() {
        AlertStateStore store = store(Clock.systemUTC());
        store.markSent(store.claim("s2", T0), "msg-1");
        AlertClaim failedPublish = store.claim("s2", T0 + 20 * 60_000);

        assertThat(store.release(failedPublish)).isTrue();

        assertThat(store.claim("s2", T0).outcome()).as("previous alert is back").isEqualTo(ClaimOutcome.DUPLICATE);
        assertThat(store.claim("s2", T0 + 20 * 60_000).outcome()).as("retry").isEqualTo(ClaimOutcome.CLAIMED);
    }

    @Test
    void abandonedClaimBlocksTheWindowOnlyUntilItsLeaseEnds() {
        Clock now = Clock.systemUTC();
        store(now).claim("s3", T0); // the invocation dies here: never marked, never released

        assertThat(store(now).claim("s3", T0).outcome()).isEqualTo(ClaimOutcome.IN_FLIGHT);
        Clock afterLease = Clock.offset(now, Duration.ofSeconds(61));
        assertThat(store(afterLease).claim("s3", T0).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    }

    @Test
    void failedPublishIsReportedAndReleasedSoTheRetrySends() {
        Record record = Record.builder().eventID("e1").eventName(OperationType.INSERT).eventVersion("1.1")
                .eventSource("aws:dynamodb").awsRegion("us-east-1")
                .dynamodb(StreamRecord.builder().sequenceNumber("7")
                        .newImage(AlertRig.item(AlertRig.window("s4", T0, 0.9, true))).build())
                .build();
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(StreamRecordConverter.toLambdaRecord(record, cloud.streamArn)));
        AlertHandler noSuchTopic = new AlertHandler(AlertConfig.fromEnv(Map.of(
                AlertConfig.TOPIC_ARN, cloud.topicArn + "-missing", AlertConfig.STATE_TABLE, cloud.stateTable)),
                cloud.dynamo, cloud.sns, Clock.systemUTC());

        StreamsEventResponse failed = noSuchTopic.handleRequest(event, null);

        assertThat(failed.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("7");
        assertThat(noSuchTopic.lastFailureReasons().get("7")).startsWith("publish failed (claim released: true)");
        Map<String, AttributeValue> state = cloud.dynamo.getItem(b -> b.tableName(cloud.stateTable)
                .key(Map.of(AlertStateStore.SENSOR_ID, AttributeValue.fromS("s4")))).item();
        assertThat(state).isEmpty();

        StreamsEventResponse retried = cloud.handler(Duration.ofMinutes(15)).handleRequest(event, null);

        assertThat(retried.getBatchItemFailures()).isEmpty();
        assertThat(cloud.drainAlerts()).hasSize(1);
    }
}
