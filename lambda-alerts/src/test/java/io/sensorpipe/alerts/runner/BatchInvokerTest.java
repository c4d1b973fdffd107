package io.sensorpipe.alerts.runner;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The event source mapping's retry rules, with an in-process function that fails on chosen records. */
class BatchInvokerTest {
    private final List<List<String>> invocations = new ArrayList<>();
    private final List<ObjectNode> deadLetters = new ArrayList<>();

    private static List<DynamodbEvent.DynamodbStreamRecord> records(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> {
            DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
            record.setEventID("e" + i);
            record.setEventName("INSERT");
            StreamRecord dynamodb = new StreamRecord();
            dynamodb.setSequenceNumber(Integer.toString(i));
            record.setDynamodb(dynamodb);
            return record;
        }).toList();
    }

    /** Reports the records in {@code failing} as batch item failures. */
    private RequestHandler<DynamodbEvent, StreamsEventResponse> reportingFailuresOf(Set<String> failing) {
        return (event, context) -> {
            List<String> ids = event.getRecords().stream().map(r -> r.getDynamodb().getSequenceNumber()).toList();
            invocations.add(ids);
            return new StreamsEventResponse(ids.stream().filter(failing::contains)
                    .map(StreamsEventResponse.BatchItemFailure::new).toList());
        };
    }

    /** Throws (a function error) whenever the batch holds a record in {@code poison}. */
    private RequestHandler<DynamodbEvent, StreamsEventResponse> throwingOn(Set<String> poison) {
        return (event, context) -> {
            List<String> ids = event.getRecords().stream().map(r -> r.getDynamodb().getSequenceNumber()).toList();
            invocations.add(ids);
            if (ids.stream().anyMatch(poison::contains)) {
                throw new IllegalStateException("poison record");
            }
            return new StreamsEventResponse(List.of());
        };
    }

    private BatchInvoker invoker(RequestHandler<DynamodbEvent, StreamsEventResponse> function, int maxRetries, boolean bisect) {
        return new BatchInvoker(function, id -> "reason of " + id, maxRetries, bisect, "arn:stream", deadLetters::add);
    }

    @Test
    void partialFailureRetriesFromTheLowestFailedRecordThenDeadLettersOnlyTheFailedOnes() {
        BatchInvoker invoker = invoker(reportingFailuresOf(Set.of("3")), 2, true);

        invoker.deliver("shard-1", records(5));

        assertThat(invocations).containsExactly(List.of("1", "2", "3", "4", "5"), List.of("3", "4", "5"), List.of("3", "4", "5"));
        assertThat(invoker.retries).isEqualTo(2);
        assertThat(invoker.recordFailures).isEqualTo(3);
        assertThat(deadLetters).hasSize(1);
        ObjectNode dead = deadLetters.get(0);
        assertThat(dead.at("/requestContext/condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(dead.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(dead.at("/DDBStreamBatchInfo/startSequenceNumber").asText()).isEqualTo("3");
        assertThat(dead.at("/DDBStreamBatchInfo/endSequenceNumber").asText()).isEqualTo("5");
        assertThat(dead.at("/failedRecords")).hasSize(1);
        assertThat(dead.at("/failedRecords/0/sequenceNumber").asText()).isEqualTo("3");
        assertThat(dead.at("/failedRecords/0/reason").asText()).isEqualTo("reason of 3");
        assertThat(invoker.deadLettered).isEqualTo(1);
    }

    @Test
    void recordThatSucceedsOnRetryIsNotDeadLettered() {
        Set<String> failingOnce = new java.util.HashSet<>(Set.of("2"));
        RequestHandler<DynamodbEvent, StreamsEventResponse> flaky = (event, context) -> {
            List<String> ids = event.getRecords().stream().map(r -> r.getDynamodb().getSequenceNumber()).toList();
            invocations.add(ids);
            List<StreamsEventResponse.BatchItemFailure> failures = ids.stream().filter(failingOnce::remove)
                    .map(StreamsEventResponse.BatchItemFailure::new).toList();
            return new StreamsEventResponse(failures);
        };
        BatchInvoker invoker = invoker(flaky, 3, true);

        invoker.deliver("shard-1", records(3));

        assertThat(invocations).containsExactly(List.of("1", "2", "3"), List.of("2", "3"));
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void functionErrorIsBisectedUntilThePoisonRecordIsAloneAndDeadLettered() {
        BatchInvoker invoker = invoker(throwingOn(Set.of("6")), 1, true);

        invoker.deliver("shard-1", records(8));

        assertThat(invocations.stream().flatMap(List::stream).filter(id -> !id.equals("6")).distinct().sorted().toList())
                .as("every good record reached the function").containsExactly("1", "2", "3", "4", "5", "7", "8");
        assertThat(invocations).endsWith(List.of("6"), List.of("6"), List.of("7", "8"));
        assertThat(invoker.bisections).isEqualTo(3);
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).at("/responseContext/functionError").asText()).isEqualTo("Unhandled");
        assertThat(deadLetters.get(0).at("/failedRecords/0/sequenceNumber").asText()).isEqualTo("6");
        assertThat(deadLetters.get(0).at("/failedRecords/0/reason").asText()).contains("poison record");
    }

    @Test
    void withoutBisectAFunctionErrorDeadLettersTheWholeBatch() {
        BatchInvoker invoker = invoker(throwingOn(Set.of("2")), 1, false);

        invoker.deliver("shard-1", records(3));

        assertThat(invocations).hasSize(2);
        assertThat(deadLetters.get(0).at("/failedRecords")).hasSize(3);
    }

    @Test
    void unknownItemIdentifierCountsAsAFailureOfTheWholeBatch() {
        RequestHandler<DynamodbEvent, StreamsEventResponse> bogus = (event, context) -> {
            invocations.add(List.of());
            return new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure("")));
        };
        BatchInvoker invoker = invoker(bogus, 0, false);

        invoker.deliver("shard-1", records(2));

        assertThat(deadLetters.get(0).at("/failedRecords")).hasSize(2);
        assertThat(deadLetters.get(0).at("/failedRecords/0/reason").asText()).contains("itemIdentifier");
    }

    /** Advances only when the invoker sleeps, so the waits are checked without waiting. */
    private static final class SteppingClock implements RetryClock {
        long now;
        final List<java.time.Duration> sleeps = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(java.time.Duration duration) {
            sleeps.add(duration);
            now += duration.toNanos();
        }
    }

    private static final java.time.Duration LEASE = java.time.Duration.ofSeconds(1);

    /** Reports record 2 as blocked by another invocation's claim until {@code releasedAtNanos}. */
    private RequestHandler<DynamodbEvent, StreamsEventResponse> claimHeldUntil(SteppingClock clock, long releasedAtNanos) {
        return (event, context) -> {
            List<String> ids = event.getRecords().stream().map(r -> r.getDynamodb().getSequenceNumber()).toList();
            invocations.add(ids);
            boolean held = clock.nanoTime() < releasedAtNanos;
            return new StreamsEventResponse(ids.stream().filter(id -> held && id.equals("2"))
                    .map(StreamsEventResponse.BatchItemFailure::new).toList());
        };
    }

    private BatchInvoker invokerWithBackoff(RequestHandler<DynamodbEvent, StreamsEventResponse> function, RetryPolicy policy,
                                            SteppingClock clock) {
        return new BatchInvoker(function, id -> "claim of " + id + " in flight", id -> id.equals("2"), policy, true,
                "arn:stream", deadLetters::add, clock);
    }

    @Test
    void failedBatchIsRetriedAfterExponentiallyGrowingBoundedWaits() {
        SteppingClock clock = new SteppingClock();
        BatchInvoker invoker = new BatchInvoker(reportingFailuresOf(Set.of("2")), id -> "bad " + id, id -> false,
                new RetryPolicy(3, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(25), LEASE), true,
                "arn:stream", deadLetters::add, clock);

        invoker.deliver("shard-1", records(3));

        assertThat(clock.sleeps).containsExactly(java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(20),
                java.time.Duration.ofMillis(25));
        assertThat(invocations).hasSize(4);
        assertThat(deadLetters).hasSize(1);
        assertThat(invoker.claimWaits).isZero();
    }

    @Test
    void recordBlockedByAnotherInvocationsClaimIsRetriedUntilTheLeaseCanHaveExpiredInsteadOfBeingDeadLettered() {
        SteppingClock clock = new SteppingClock();
        RetryPolicy policy = new RetryPolicy(1, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(200), LEASE);
        BatchInvoker invoker = invokerWithBackoff(claimHeldUntil(clock, LEASE.toNanos()), policy, clock);

        invoker.deliver("shard-1", records(3));

        assertThat(deadLetters).as("the claim ends within the lease: nothing is dead-lettered").isEmpty();
        assertThat(invocations.size()).as("far more attempts than maxRetries allows").isGreaterThan(policy.maxRetries() + 1);
        assertThat(invocations.get(invocations.size() - 1)).containsExactly("2", "3");
        assertThat(clock.now).isGreaterThanOrEqualTo(LEASE.toNanos());
        assertThat(clock.sleeps).allSatisfy(wait -> assertThat(wait).isLessThanOrEqualTo(java.time.Duration.ofMillis(200)));
        assertThat(invoker.claimWaits).isEqualTo(invocations.size() - 1);
    }

    @Test
    void claimStillHeldAfterTheLeaseIsDeadLetteredOnlyWhenTheCountedRetriesRunOut() {
        SteppingClock clock = new SteppingClock();
        RetryPolicy policy = new RetryPolicy(1, java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(400), LEASE);
        BatchInvoker invoker = invokerWithBackoff(claimHeldUntil(clock, Long.MAX_VALUE), policy, clock);

        invoker.deliver("shard-1", records(3));

        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).at("/failedRecords/0/sequenceNumber").asText()).isEqualTo("2");
        // free retries while attempts start within the lease; the first attempt after it counts, then one retry
        long lastWait = clock.sleeps.get(clock.sleeps.size() - 1).toNanos();
        long firstCountedAttemptStart = clock.now - lastWait;
        long lastFreeAttemptStart = firstCountedAttemptStart - clock.sleeps.get(clock.sleeps.size() - 2).toNanos();
        assertThat(lastFreeAttemptStart).isLessThan(LEASE.toNanos());
        assertThat(firstCountedAttemptStart).isGreaterThanOrEqualTo(LEASE.toNanos());
        assertThat(invoker.retries).isEqualTo(invoker.claimWaits + policy.maxRetries());
        assertThat(deadLetters.get(0).at("/requestContext/approximateInvokeCount").asLong()).isEqualTo(invocations.size());
    }
}
