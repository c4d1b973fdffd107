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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** Shard id → next iterator; a shard maps to null once it is closed and fully read. */
    private final Map<String, String> iterators = new LinkedHashMap<>();
    private final Set<String> finishedShards = new HashSet<>();
    private final List<ObjectNode> deadLetters = new ArrayList<>();

    private final Instant started = Instant.now();
    private final long sentAtStart;
    private final long cooldownAtStart;
    private final long duplicateAtStart;
    private final long ignoredAtStart;
    private long recordsRead;
    private long filteredOut;

    /** @param sqs used for the dead-letter queue; may be null when {@code settings.dlqUrl()} is null */
    public LocalEventSourceRunner(DynamoDbStreamsClient streams, SqsClient sqs, AlertHandler handler,
                                  EventFilterPattern filter, RunnerSettings settings) {
        this.streams = streams;
        this.handler = handler;
        this.filter = filter;
        this.settings = settings;
        this.invoker = new BatchInvoker(handler, sequenceNumber -> handler.lastFailureReasons().get(sequenceNumber),
                settings.maxRetries(), settings.bisectOnError(), settings.streamArn(), message -> {
                    deadLetters.add(message);
                    if (settings.dlqUrl() != null) {
                        sqs.sendMessage(b -> b.queueUrl(settings.dlqUrl()).messageBody(message.toString()));
                    }
                });
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
            if (pollOnce() == 0) {
                Thread.sleep(Math.min(settings.pollInterval().toMillis(),
                        Math.max(0, (end - System.nanoTime()) / 1_000_000)));
            }
        }
        return report();
    }

    /** Polls until a poll finds nothing new (the stream is caught up), at most {@code maxDuration}. */
    public RunReport drain(Duration maxDuration) {
        long end = System.nanoTime() + maxDuration.toNanos();
        while (System.nanoTime() < end && pollOnce() > 0) {
            // keep going until caught up
        }
        return report();
    }

    /** Reads every shard up to its current end once, delivering what it finds; returns the records read. */
    public int pollOnce() {
        discoverShards();
        int read = 0;
        for (Map.Entry<String, String> shard : iterators.entrySet()) {
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
                finishedShards.add(shard.getKey());
            }
        }
        iterators.keySet().removeAll(finishedShards);
        return read;
    }

    private void discoverShards() {
        String lastShard = null;
        do {
            final String exclusiveStart = lastShard;
            StreamDescription description = streams.describeStream(b -> b.streamArn(settings.streamArn())
                    .exclusiveStartShardId(exclusiveStart)).streamDescription();
            for (Shard shard : description.shards()) {
                if (!iterators.containsKey(shard.shardId()) && !finishedShards.contains(shard.shardId())) {
                    String iterator = streams.getShardIterator(b -> b.streamArn(settings.streamArn())
                            .shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.fromValue(settings.startingPosition()))).shardIterator();
                    iterators.put(shard.shardId(), iterator);
                    LOG.info("shard_opened", "shardId", shard.shardId(), "position", settings.startingPosition());
                }
            }
            lastShard = description.lastEvaluatedShardId();
        } while (lastShard != null);
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
