package io.sensorpipe.archive.bridge;

import io.sensorpipe.archive.layout.RecordTriage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.kinesis.exceptions.InvalidStateException;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.exceptions.ThrottlingException;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * KCL processor for one shard: buffers de-aggregated records (KCL unpacks KPL aggregates), writes Firehose-shaped
 * objects to S3, and checkpoints only after the puts succeeded (at-least-once; re-deliveries overwrite the same
 * keys, see {@link ShardBatch}).
 */
final class ShardArchiver implements ShardRecordProcessor {
    private static final Logger log = LoggerFactory.getLogger(ShardArchiver.class);
    static final String PROCESSOR_ARN = "local:sensorpipe-archive-bridge";

    private final BridgeConfig config;
    private final S3Client s3;
    private final BridgeCounters counters;
    private final BooleanSupplier stopping;
    private ShardBatch batch;
    private String shardId;
    /** Set when a batch could not be stored: no later checkpoint may then move past it. */
    private boolean holdingUnstoredBatch;

    ShardArchiver(BridgeConfig config, S3Client s3, BridgeCounters counters, BooleanSupplier stopping) {
        this.config = config;
        this.s3 = s3;
        this.counters = counters;
        this.stopping = stopping;
    }

    @Override
    public void initialize(InitializationInput input) {
        shardId = input.shardId();
        batch = new ShardBatch(shardId, config.layout(), new RecordTriage(), config.bufferSizeBytes(),
                config.bufferInterval(), PROCESSOR_ARN);
        log.info("archiving shard {} from {}", shardId, input.extendedSequenceNumber());
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
        counters.recordsReceived.addAndGet(input.records().size());
        for (KinesisClientRecord r : input.records()) {
            long now = System.currentTimeMillis();
            Instant arrival = r.approximateArrivalTimestamp() != null ? r.approximateArrivalTimestamp() : Instant.ofEpochMilli(now);
            batch.add(r.sequenceNumber(), r.subSequenceNumber(), arrival, bytes(r.data()), now);
            if (batch.shouldFlush(now)) {
                flush(input.checkpointer());
            }
        }
        // Called for empty polls too (callProcessRecordsEvenForEmptyRecordList), so the interval flush runs when idle.
        if (batch.shouldFlush(System.currentTimeMillis())) {
            flush(input.checkpointer());
        }
    }

    @Override
    public void leaseLost(LeaseLostInput input) {
        if (batch.size() > 0) {
            log.info("lease of {} lost: dropping {} unflushed records (the next owner re-reads them from the checkpoint)",
                    shardId, batch.size());
        }
        batch.discard();
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
        if (!batch.isEmpty()) {
            flush(input.checkpointer());
        }
        if (!holdingUnstoredBatch) {
            checkpoint(input.checkpointer(), null, 0);
        }
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
        // Graceful stop: store what is buffered now rather than leave it for a re-read.
        if (!batch.isEmpty()) {
            log.info("shard {}: flushing {} buffered records at shutdown", shardId, batch.size());
            flush(input.checkpointer());
        }
    }

    private void flush(RecordProcessorCheckpointer checkpointer) {
        if (holdingUnstoredBatch) {
            batch.discard(); // stopping anyway; everything after the unstored batch is re-read too
            return;
        }
        ShardBatch.Sealed sealed = batch.seal();
        boolean stored = put(sealed.data()) && put(sealed.errors());
        if (!stored) {
            // Not checkpointed: KCL re-delivers these records to whoever holds the lease next.
            log.warn("shard {}: gave up storing {} records while stopping; they stay unacknowledged", shardId, sealed.records());
            holdingUnstoredBatch = true;
            return;
        }
        if (sealed.data() != null) {
            counters.recordsArchived.addAndGet(sealed.data().records());
            counters.objectsWritten.incrementAndGet();
        }
        if (sealed.errors() != null) {
            counters.recordsRejected.addAndGet(sealed.errors().records());
            counters.errorObjectsWritten.incrementAndGet();
        }
        checkpoint(checkpointer, sealed.lastSequence(), sealed.lastSubSequence());
    }

    /** Puts with retries (Firehose retries S3 for up to 24 h); gives up only when the bridge is stopping. */
    private boolean put(ShardBatch.ObjectPut object) {
        if (object == null) {
            return true;
        }
        long backoff = 200;
        while (true) {
            try {
                s3.putObject(PutObjectRequest.builder().bucket(config.bucket()).key(object.key())
                        .contentType("application/x-ndjson").contentEncoding("gzip").metadata(object.metadata()).build(),
                        RequestBody.fromBytes(object.body()));
                counters.bytesWritten.addAndGet(object.body().length);
                log.debug("put s3://{}/{} ({} records)", config.bucket(), object.key(), object.records());
                return true;
            } catch (RuntimeException e) {
                if (stopping.getAsBoolean()) {
                    return false;
                }
                counters.putRetries.incrementAndGet();
                log.warn("put of {} failed, retrying in {} ms: {}", object.key(), backoff, e.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    private void checkpoint(RecordProcessorCheckpointer checkpointer, String sequence, long subSequence) {
        for (int attempt = 1; ; attempt++) {
            try {
                if (sequence == null) {
                    checkpointer.checkpoint();
                } else {
                    checkpointer.checkpoint(sequence, subSequence);
                }
                counters.checkpoints.incrementAndGet();
                return;
            } catch (ThrottlingException e) {
                if (attempt >= 5) {
                    log.warn("shard {}: checkpoint throttled {} times, the next flush checkpoints further", shardId, attempt);
                    return;
                }
                sleepQuietly(500L * attempt);
            } catch (ShutdownException e) {
                log.info("shard {}: lease lost before checkpoint; the new owner re-writes the same object keys", shardId);
                return;
            } catch (InvalidStateException e) {
                log.error("shard {}: checkpoint failed: {}", shardId, e.toString());
                return;
            } catch (RuntimeException e) {
                if (attempt >= 5) {
                    log.error("shard {}: checkpoint failed: {}", shardId, e.toString());
                    return;
                }
                sleepQuietly(500L * attempt);
            } catch (Exception e) {
                log.error("shard {}: checkpoint failed: {}", shardId, e.toString());
                return;
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] bytes(ByteBuffer data) {
        ByteBuffer dup = data.duplicate();
        byte[] out = new byte[dup.remaining()];
        dup.get(out);
        return out;
    }
}
