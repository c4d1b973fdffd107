package io.sensorpipe.alerts.runner;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorpipe.alerts.AlertCounters;
import io.sensorpipe.alerts.AlertHandler;
import io.sensorpipe.alerts.RecordOutcome;
import io.sensorpipe.alerts.filter.EventFilterPattern;
import io.sensorpipe.alerts.log.JsonLog;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Stands in for Lambda's DynamoDB event source mapping, which does not exist locally (moto runs no Lambda code):
 * polls the stream with the DynamoDB Streams API, converts each record to the Lambda event record, drops the ones
 * the filter pattern rejects (evaluated on Lambda's event JSON, as Lambda does), and invokes the handler in-process
 * with {@link DynamodbEvent}s of at most {@code batchSize} records; {@link BatchInvoker} honours its
 * {@code batchItemFailures} (retry, bisect, dead-letter to the SQS DLQ after {@code maxRetries}).
 */
public final class LocalEventSourceRunner {
    private static final JsonLog LOG = JsonLog.forClass(LocalEventSourceRunner.class);

    private final DynamoDbStreamsClient streams;
    private final AlertHandler handler;
    private final EventFilterPattern filter;
    private final RunnerSettings settings;
    private final BatchInvoker invoker;

    /** Open shard id → next iterator; a shard is dropped once it is closed and fully read. */
    private final Map<String, String> iterators = new LinkedHashMap<>();
    private final ShardTracker shards;
    private final List<ObjectNode> deadLetters = new ArrayList<>();

    private final Instant started = Instant.now();
    private final long sentAtStart;
    private final long cooldownAtStart;
    private final long duplicateAtStart;
    private final long ignoredAtStart;
    // Written by the polling thread only; volatile so a shutdown hook reads current counts.
    private volatile long recordsRead;
    private volatile long filteredOut;

    /** @param sqs used for the dead-letter queue; may be null when {@code settings.dlqUrl()} is null */
    public LocalEventSourceRunner(DynamoDbStreamsClient streams, SqsClient sqs, AlertHandler handler,
                                  EventFilterPattern filter, RunnerSettings settings) {
        this.streams = streams;
        this.handler = handler;
        this.filter = filter;
        this.settings = settings;
        this.shards = new ShardTracker(settings.startingPosition());
        this.invoker = new BatchInvoker(handler, sequenceNumber -> handler.lastFailureReasons().get(sequenceNumber),
                sequenceNumber -> AlertHandler.CLAIM_IN_FLIGHT_REASON.equals(handler.lastFailureReasons().get(sequenceNumber)),
                settings.retryPolicy(handler.config().claimLease()), settings.bisectOnError(), settings.streamArn(),
                message -> {
                    deadLetters.add(message);
                    if (settings.dlqUrl() != null) {
                        sqs.sendMessage(b -> b.queueUrl(settings.dlqUrl()).messageBody(message.toString()));
                    }
                }, RetryClock.SYSTEM);
        AlertCounters counters = handler.counters();
        this.sentAtStart = counters.get(RecordOutcome.Kind.SENT);
        this.cooldownAtStart = counters.get(RecordOutcome.Kind.SUPPRESSED_COOLDOWN);
        this.duplicateAtStart = counters.get(RecordOutcome.Kind.SUPPRESSED_DUPLICATE);
        this.ignoredAtStart = counters.get(RecordOutcome.Kind.IGNORED);
    }

    /** Polls for {@code duration}, sleeping {@code pollInterval} whenever the stream had nothing new. */
    public RunReport runFor(Duration duration) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            if (pollOnce() <= 0) {
                Thread.sleep(Math.min(settings.pollInterval().toMillis(),
                        Math.max(0, (end - System.nanoTime()) / 1_000_000)));
            }
        }
        return report();
    }

    /** Polls until a poll finds nothing new (the stream is caught up), at most {@code maxDuration}. */
    public RunReport drain(Duration maxDuration) {
        long end = System.nanoTime() + maxDuration.toNanos();
        while (System.nanoTime() < end) {
            int read = pollOnce();
            if (read == 0) {
                break; // caught up
            }
            if (read < 0) { // a failed poll is not "caught up": wait a little and try again
                try {
                    Thread.sleep(Math.min(settings.pollInterval().toMillis(),
                            Math.max(0, (end - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return report();
    }

    /**
     * Reads every open shard up to its current end once, delivering what it finds; a child shard is opened (and read
     * in the same poll) as soon as its parent is finished. Returns the records read, or -1 when a call to the stream
     * failed (a timeout or throttle of the local cloud): the runner stands in for a long-running event source mapping,
     * so it logs, keeps its positions and tries again on the next poll instead of dying. Records of a shard whose read
     * failed part-way are read again (delivery is at-least-once; the handler's claims make repeats harmless).
     */
    public int pollOnce() {
        try {
            return pollStream();
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            LOG.warn("poll_failed", "reason", e.toString());
            return -1;
        }
    }

    private int pollStream() {
        discoverShards();
        int read = 0;
        do {
            openReadyShards();
            for (Map.Entry<String, String> shard : iterators.entrySet()) {
                read += readToCurrentEnd(shard);
            }
            iterators.values().removeIf(Objects::isNull);
        } while (!shards.readyToOpen().isEmpty()); // a parent finished: read its children now
        return read;
    }

    /** Reads one shard until GetRecords returns nothing; a null iterator afterwards means closed and fully read. */
    private int readToCurrentEnd(Map.Entry<String, String> shard) {
        int read = 0;
        String iterator = shard.getValue();
        while (iterator != null) {
            final String current = iterator;
            GetRecordsResponse response = streams.getRecords(b -> b.shardIterator(current)
                    .limit(Math.min(settings.batchSize(), 1000)));
            iterator = response.nextShardIterator();
            if (!response.hasRecords() || response.records().isEmpty()) {
                break;
            }
            read += response.records().size();
            recordsRead += response.records().size();
            deliver(shard.getKey(), response.records());
        }
        shard.setValue(iterator);
        if (iterator == null) {
            shards.finished(shard.getKey());
            LOG.info("shard_finished", "shardId", shard.getKey());
        }
        return read;
    }

    private void discoverShards() {
        List<Shard> listed = new ArrayList<>();
        String lastShard = null;
        do {
            final String exclusiveStart = lastShard;
            StreamDescription description = streams.describeStream(b -> b.streamArn(settings.streamArn())
                    .exclusiveStartShardId(exclusiveStart)).streamDescription();
            listed.addAll(description.shards());
            lastShard = description.lastEvaluatedShardId();
        } while (lastShard != null);
        shards.discovered(listed);
    }

    /** Opens the shards whose parent is finished (see {@link ShardTracker}). */
    private void openReadyShards() {
        List<ShardTracker.ShardToOpen> ready = shards.readyToOpen();
        for (ShardTracker.ShardToOpen shard : ready) {
            String iterator = streams.getShardIterator(b -> b.streamArn(settings.streamArn())
                    .shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.fromValue(shard.position()))).shardIterator();
            iterators.put(shard.shardId(), iterator);
            shards.opened(shard.shardId());
            LOG.info("shard_opened", "shardId", shard.shardId(), "position", shard.position());
        }
    }

    /** Filters one read of a shard and invokes the handler in batches of at most batchSize. */
    private void deliver(String shardId, List<Record> records) {
        List<DynamodbEvent.DynamodbStreamRecord> matching = new ArrayList<>();
        for (Record record : records) {
            DynamodbEvent.DynamodbStreamRecord lambdaRecord = StreamRecordConverter.toLambdaRecord(record, settings.streamArn());
            if (filter.matches(StreamRecordConverter.toEventJson(lambdaRecord))) {
                matching.add(lambdaRecord);
            } else {
                filteredOut++;
            }
        }
        for (int from = 0; from < matching.size(); from += settings.batchSize()) {
            invoker.deliver(shardId, matching.subList(from, Math.min(matching.size(), from + settings.batchSize())));
        }
    }

    /** The on-failure messages of this session (also sent to the DLQ when one is configured). */
    public List<ObjectNode> deadLetters() {
        return List.copyOf(deadLetters);
    }

    public RunReport report() {
        AlertCounters counters = handler.counters();
        return new RunReport(recordsRead, filteredOut, invoker.invocations, invoker.retries, invoker.bisections,
                counters.get(RecordOutcome.Kind.SENT) - sentAtStart,
                counters.get(RecordOutcome.Kind.SUPPRESSED_COOLDOWN) - cooldownAtStart,
                counters.get(RecordOutcome.Kind.SUPPRESSED_DUPLICATE) - duplicateAtStart,
                counters.get(RecordOutcome.Kind.IGNORED) - ignoredAtStart,
                invoker.recordFailures, invoker.deadLettered,
                Duration.between(started, Instant.now()).toMillis() / 1000.0);
    }
}
