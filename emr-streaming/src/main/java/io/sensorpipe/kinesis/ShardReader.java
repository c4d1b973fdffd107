package io.sensorpipe.kinesis;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Reads Kinesis records of one shard with GetRecords, pacing calls (5/s per shard) and backing off on throttling.
 * Used by the driver to find a batch's end and by tasks to re-read the batch up to exactly that end.
 */
final class ShardReader {
    private static final int MAX_THROTTLE_RETRIES = 12;

    private final KinesisClient kinesis;
    private final String stream;
    private final String shardId;
    private final long minIntervalMs;
    private final StartPosition start;

    ShardReader(KinesisClient kinesis, String stream, String shardId, StartPosition start, long minIntervalMs) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.shardId = shardId;
        this.start = start;
        this.minIntervalMs = minIntervalMs;
    }

    /** Records after {@code afterSeq} (or from the start position), plus whether the closed shard is exhausted. */
    record Chunk(List<Record> records, boolean shardEnded, boolean caughtUp) {
    }

    /**
     * Driver side: up to {@code maxRecords} records after {@code afterSeq}, a few GetRecords calls at most (Kinesis
     * may answer empty although records follow, while it skips over empty parts of the shard).
     */
    Chunk readAfter(String afterSeq, int maxRecords, int maxCalls) throws InterruptedException {
        List<Record> out = new ArrayList<>();
        String iterator = iterator(afterSeq);
        boolean ended = false;
        boolean caughtUp = false;
        for (int call = 0; call < maxCalls && out.size() < maxRecords; call++) {
            GetRecordsResponse r = getRecords(iterator, maxRecords - out.size());
            if (r == null) { // iterator expired between calls: start again after what we have
                iterator = iterator(out.isEmpty() ? afterSeq : out.get(out.size() - 1).sequenceNumber());
                continue;
            }
            out.addAll(r.records());
            iterator = r.nextShardIterator();
            if (iterator == null) {
                ended = true;
                break;
            }
            Long behind = r.millisBehindLatest();
            if (behind == null || behind == 0) { // nothing more to fetch right now: don't spend another call
                caughtUp = true;
                break;
            }
        }
        return new Chunk(out, ended, caughtUp);
    }

    /**
     * Task side: every record after {@code afterSeq} up to and including {@code endSeq}. Fails (never returns short)
     * when the end record cannot be reached, so a batch is never silently incomplete.
     */
    List<Record> readRange(String afterSeq, String endSeq) throws InterruptedException {
        BigInteger end = new BigInteger(endSeq);
        List<Record> out = new ArrayList<>();
        String iterator = iterator(afterSeq);
        int emptyPolls = 0;
        while (true) {
            GetRecordsResponse r = getRecords(iterator, 10_000);
            if (r == null) {
                iterator = iterator(out.isEmpty() ? afterSeq : out.get(out.size() - 1).sequenceNumber());
                continue;
            }
            for (Record rec : r.records()) {
                if (new BigInteger(rec.sequenceNumber()).compareTo(end) > 0) {
                    return out;
                }
                out.add(rec);
                if (rec.sequenceNumber().equals(endSeq)) {
                    return out;
                }
            }
            iterator = r.nextShardIterator();
            if (iterator == null) {
                break;
            }
            emptyPolls = r.records().isEmpty() ? emptyPolls + 1 : 0;
            if (emptyPolls > 50) {
                break;
            }
        }
        throw new IllegalStateException("shard " + shardId + " of stream " + stream + " ended before sequence number "
                + endSeq + " of this batch (read " + out.size() + " records): was it trimmed by retention?");
    }

    private String iterator(String afterSeq) {
        return kinesis.getShardIterator(start.iteratorRequest(stream, shardId, afterSeq)).shardIterator();
    }

    /** One paced GetRecords call; null when the iterator expired. Throttling is retried with exponential backoff. */
    private GetRecordsResponse getRecords(String iterator, int limit) throws InterruptedException {
        long backoff = 250;
        for (int attempt = 0; ; attempt++) {
            ShardRateLimiter.acquire(stream, shardId, minIntervalMs);
            try {
                return kinesis.getRecords(GetRecordsRequest.builder().shardIterator(iterator)
                        .limit(Math.max(1, Math.min(limit, 10_000))).build());
            } catch (ExpiredIteratorException e) {
                return null;
            } catch (ProvisionedThroughputExceededException | KmsThrottlingException | LimitExceededException e) {
                if (attempt >= MAX_THROTTLE_RETRIES) {
                    throw e;
                }
                ShardRateLimiter.penalize(stream, shardId, backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }
}
