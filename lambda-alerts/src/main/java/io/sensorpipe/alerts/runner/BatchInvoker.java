package io.sensorpipe.alerts.runner;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorpipe.alerts.log.JsonLog;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Invokes a stream handler with one batch and honours its answer the way Lambda's event source mapping does
 * (with ReportBatchItemFailures on):
 * <ul>
 *   <li>partial failure: records before the lowest failed sequence number are done; the batch is retried from it;</li>
 *   <li>function error (exception, or a failure with an empty/unknown identifier): the whole batch failed; with
 *       bisect on it is split in two (splits are not counted as retries), else retried;</li>
 *   <li>retries wait an exponential, bounded backoff, and a record blocked by another invocation's claim is
 *       retried until that claim's lease can have expired ({@link RetryPolicy} has the rule);</li>
 *   <li>after {@code maxRetries} counted retries the rest of the batch goes to the on-failure destination, in Lambda's
 *       format ({@code DDBStreamBatchInfo}, {@code requestContext.condition}) plus, locally, {@code failedRecords}
 *       with each failed record and its reason; then the next batch is taken.</li>
 * </ul>
 */
public final class BatchInvoker {
    private static final JsonLog LOG = JsonLog.forClass(BatchInvoker.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long INVOCATION_TIMEOUT_MS = 30_000;

    private final RequestHandler<DynamodbEvent, StreamsEventResponse> function;
    private final Function<String, String> failureReason;
    private final Predicate<String> claimInFlight;
    private final RetryPolicy policy;
    private final boolean bisectOnError;
    private final String streamArn;
    private final Consumer<ObjectNode> onFailure;
    private final RetryClock clock;

    // Written by the delivering thread only; volatile so a shutdown hook reads current counts.
    volatile long invocations;
    volatile long retries;
    volatile long bisections;
    volatile long recordFailures;
    volatile long deadLettered;
    /** Retries not counted against maxRetries because a record waited for another invocation's claim. */
    volatile long claimWaits;

    /** Retries at once, without waiting for claims (see {@link RetryPolicy#immediate}). */
    public BatchInvoker(RequestHandler<DynamodbEvent, StreamsEventResponse> function, Function<String, String> failureReason,
                        int maxRetries, boolean bisectOnError, String streamArn, Consumer<ObjectNode> onFailure) {
        this(function, failureReason, sequenceNumber -> false, RetryPolicy.immediate(maxRetries), bisectOnError,
                streamArn, onFailure, RetryClock.SYSTEM);
    }

    /**
     * @param failureReason  the handler's reason for a failed sequence number of its last invocation (may give null)
     * @param claimInFlight  whether a failed sequence number of the last invocation failed only because another
     *                       invocation holds its window's claim
     * @param policy         backoff between retries and the retry budget (see {@link RetryPolicy} for the rule)
     * @param onFailure      receives each on-failure message (the runner sends it to the DLQ)
     */
    public BatchInvoker(RequestHandler<DynamodbEvent, StreamsEventResponse> function, Function<String, String> failureReason,
                        Predicate<String> claimInFlight, RetryPolicy policy, boolean bisectOnError, String streamArn,
                        Consumer<ObjectNode> onFailure, RetryClock clock) {
        this.function = function;
        this.failureReason = failureReason;
        this.claimInFlight = claimInFlight;
        this.policy = policy;
        this.bisectOnError = bisectOnError;
        this.streamArn = streamArn;
        this.onFailure = onFailure;
        this.clock = clock;
    }

    /**
     * @param attempt         counted retries so far
     * @param retriesSoFar    all retries so far (counted or not): the backoff grows with them
     * @param claimSeenNanos  when an attempt first met another invocation's claim, or -1
     */
    private record PendingBatch(List<DynamodbEvent.DynamodbStreamRecord> records, int attempt, int retriesSoFar,
                                long claimSeenNanos) {
    }

    /** Delivers one batch of a shard, retrying/bisecting/dead-lettering until every record is settled. */
    public void deliver(String shardId, List<DynamodbEvent.DynamodbStreamRecord> batch) {
        Deque<PendingBatch> work = new ArrayDeque<>();
        work.push(new PendingBatch(batch, 0, 0, -1));
        while (!work.isEmpty()) {
            PendingBatch pending = work.pop();
            long attemptStarted = clock.nanoTime();
            Invocation result = invoke(pending.records());
            if (result.failedFrom() < 0) {
                continue;
            }
            List<DynamodbEvent.DynamodbStreamRecord> rest = pending.records().subList(result.failedFrom(), pending.records().size());
            long claimSeen = pending.claimSeenNanos();
            boolean waitingForClaim = false;
            if (!result.functionError() && result.failedIds().stream().anyMatch(claimInFlight)) {
                if (claimSeen < 0) {
                    claimSeen = attemptStarted;
                }
                // Free retry while the other invocation's lease may still hold the window (see RetryPolicy).
                waitingForClaim = attemptStarted - claimSeen < policy.claimLease().toNanos();
            }
            if (result.functionError() && bisectOnError && rest.size() > 1) {
                int half = rest.size() / 2;
                bisections++;
                work.push(new PendingBatch(rest.subList(half, rest.size()), pending.attempt(), pending.retriesSoFar(), claimSeen));
                work.push(new PendingBatch(rest.subList(0, half), pending.attempt(), pending.retriesSoFar(), claimSeen));
            } else if (waitingForClaim || pending.attempt() < policy.maxRetries()) {
                retries++;
                int nextAttempt = pending.attempt() + (waitingForClaim ? 0 : 1);
                if (waitingForClaim) {
                    claimWaits++;
                }
                backOff(shardId, pending.retriesSoFar() + 1, rest, waitingForClaim);
                work.push(new PendingBatch(rest, nextAttempt, pending.retriesSoFar() + 1, claimSeen));
            } else {
                deadLetter(shardId, rest, pending.retriesSoFar() + 1, result);
            }
        }
    }

    private void backOff(String shardId, int retry, List<DynamodbEvent.DynamodbStreamRecord> rest, boolean waitingForClaim) {
        Duration wait = policy.backoffBefore(retry);
        if (wait.isZero()) {
            return;
        }
        LOG.info("batch_retry_backoff", "shardId", shardId, "fromSequenceNumber", sequenceNumber(rest.get(0)),
                "retry", retry, "waitMs", wait.toMillis(), "waitingForClaim", waitingForClaim);
        try {
            clock.sleep(wait);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while backing off; shard " + shardId
                    + " not settled from sequence number " + sequenceNumber(rest.get(0)));
        }
    }

    /**
     * @param failedFrom     index of the first record to retry, -1 when the batch succeeded
     * @param functionError  the whole batch failed (exception or unusable identifier)
     * @param errorMessage   the function error, when there was one
     * @param failedIds      sequence numbers reported failed
     */
    private record Invocation(int failedFrom, boolean functionError, String errorMessage, List<String> failedIds) {
    }

    private Invocation invoke(List<DynamodbEvent.DynamodbStreamRecord> records) {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(new ArrayList<>(records));
        invocations++;
        StreamsEventResponse response;
        try {
            response = function.handleRequest(event, new LocalContext(INVOCATION_TIMEOUT_MS));
        } catch (RuntimeException error) {
            LOG.warn("function_error", "records", records.size(), "error", error);
            recordFailures += records.size();
            return new Invocation(0, true, error.getClass().getSimpleName() + ": " + error.getMessage(), List.of());
        }
        if (response == null || response.getBatchItemFailures() == null || response.getBatchItemFailures().isEmpty()) {
            return new Invocation(-1, false, null, List.of());
        }
        recordFailures += response.getBatchItemFailures().size();
        List<String> failedIds = new ArrayList<>();
        int lowest = Integer.MAX_VALUE;
        for (StreamsEventResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
            int index = indexOf(records, failure.getItemIdentifier());
            if (index < 0) {
                // Lambda treats an empty or unknown identifier as a failure of the whole batch.
                return new Invocation(0, true, "batchItemFailures has an empty or unknown itemIdentifier '"
                        + failure.getItemIdentifier() + "'", List.of());
            }
            failedIds.add(failure.getItemIdentifier());
            lowest = Math.min(lowest, index);
        }
        return new Invocation(lowest, false, null, failedIds);
    }

    private static int indexOf(List<DynamodbEvent.DynamodbStreamRecord> records, String sequenceNumber) {
        if (sequenceNumber == null || sequenceNumber.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < records.size(); i++) {
            if (sequenceNumber.equals(sequenceNumber(records.get(i)))) {
                return i;
            }
        }
        return -1;
    }

    private static String sequenceNumber(DynamodbEvent.DynamodbStreamRecord record) {
        return record.getDynamodb() == null ? null : record.getDynamodb().getSequenceNumber();
    }

    /** Lambda's on-failure record for a DynamoDB stream batch, plus the local extra {@code failedRecords}. */
    private void deadLetter(String shardId, List<DynamodbEvent.DynamodbStreamRecord> rest, int attempts, Invocation last) {
        ObjectNode message = MAPPER.createObjectNode();
        ObjectNode requestContext = message.putObject("requestContext");
        requestContext.put("requestId", UUID.randomUUID().toString());
        requestContext.put("functionArn", "arn:aws:lambda:local:000000000000:function:" + LocalContext.FUNCTION_NAME);
        requestContext.put("condition", "RetryAttemptsExhausted");
        requestContext.put("approximateInvokeCount", attempts);
        ObjectNode responseContext = message.putObject("responseContext");
        responseContext.put("statusCode", 200);
        responseContext.put("executedVersion", "$LATEST");
        if (last.functionError()) {
            responseContext.put("functionError", "Unhandled");
        }
        message.put("version", "1.0");
        message.put("timestamp", Instant.now().toString());
        ObjectNode batchInfo = message.putObject("DDBStreamBatchInfo");
        batchInfo.put("shardId", shardId);
        batchInfo.put("startSequenceNumber", sequenceNumber(rest.get(0)));
        batchInfo.put("endSequenceNumber", sequenceNumber(rest.get(rest.size() - 1)));
        batchInfo.put("batchSize", rest.size());
        batchInfo.put("streamArn", streamArn);
        ArrayNode failed = message.putArray("failedRecords");
        for (DynamodbEvent.DynamodbStreamRecord record : rest) {
            String sequenceNumber = sequenceNumber(record);
            if (!last.functionError() && !last.failedIds().contains(sequenceNumber)) {
                continue; // succeeded in the last attempt; only in the range because it came after a failed one
            }
            String reason = last.functionError() ? last.errorMessage() : failureReason.apply(sequenceNumber);
            ObjectNode entry = failed.addObject();
            entry.put("sequenceNumber", sequenceNumber);
            entry.put("eventID", record.getEventID());
            entry.put("reason", reason == null ? "reported in batchItemFailures" : reason);
            entry.set("record", StreamRecordConverter.toEventJson(record));
        }
        deadLettered += failed.size();
        LOG.warn("batch_dead_lettered", "shardId", shardId, "records", rest.size(), "failedRecords", failed.size(),
                "attempts", attempts);
        onFailure.accept(message);
    }
}
