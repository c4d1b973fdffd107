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
}
