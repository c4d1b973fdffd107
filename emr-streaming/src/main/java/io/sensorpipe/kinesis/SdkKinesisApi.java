package io.sensorpipe.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * {@link KinesisApi} on the SDK v2 client. Every call backs off exponentially (250 ms doubling to 10 s) and retries
 * on throttling, so a throttled job slows down instead of failing; throttles are counted. GetRecords keeps each
 * shard under 5 calls/s and 2 MB/s (Kinesis' per-shard read limits, which Firehose shares) for all callers in
 * this JVM.
 */
public final class SdkKinesisApi implements KinesisApi {
    static final long BYTES_PER_SECOND_PER_SHARD = 2L * 1024 * 1024;
    private static final int MAX_THROTTLE_RETRIES = 20;

    private final KinesisClient kinesis;
    private final long minGetRecordsIntervalMs;
    private final ReadStats stats = new ReadStats();

    public SdkKinesisApi(KinesisClient kinesis, long minGetRecordsIntervalMs) {
        this.kinesis = kinesis;
        this.minGetRecordsIntervalMs = minGetRecordsIntervalMs;
    }

    @Override
    public ReadStats stats() {
        return stats;
    }

    @Override
    public List<Shard> listShards(String stream) {
        List<Shard> shards = new ArrayList<>();
        String next = null;
        do {
            ListShardsRequest req = next == null ? ListShardsRequest.builder().streamName(stream).build()
                    : ListShardsRequest.builder().nextToken(next).build();
            stats.otherCalls.incrementAndGet();
            ListShardsResponse r = withBackoff(stream, null, () -> kinesis.listShards(req));
            shards.addAll(r.shards());
            next = r.nextToken();
        } while (next != null);
        return shards;
    }

    @Override
    public Retention retention(String stream) {
        stats.otherCalls.incrementAndGet();
        var d = withBackoff(stream, null, () -> kinesis.describeStreamSummary(b -> b.streamName(stream)))
                .streamDescriptionSummary();
        return new Retention(d.retentionPeriodHours() * 3_600_000L,
                d.streamCreationTimestamp() == null ? 0 : d.streamCreationTimestamp().toEpochMilli());
    }

    @Override
    public String shardIterator(GetShardIteratorRequest request) {
        stats.otherCalls.incrementAndGet();
        try {
            return withBackoff(request.streamName(), null, () -> kinesis.getShardIterator(request)).shardIterator();
        } catch (ResourceNotFoundException e) {
            // The driver lists the stream every few seconds, so a missing stream fails there first: here the shard
            // expired from the listing, or (kinesis-mock, LocalStack) the sequence number is no longer stored.
            throw new PositionLostException(e.getMessage(), e);
        } catch (InvalidArgumentException e) {
            if (request.shardIteratorType() == ShardIteratorType.AFTER_SEQUENCE_NUMBER
                    || request.shardIteratorType() == ShardIteratorType.AT_SEQUENCE_NUMBER) {
                throw new PositionLostException(e.getMessage(), e);
            }
            throw e;
        }
    }

    @Override
    public GetRecordsResponse getRecords(String stream, String shardId, String shardIterator, int limit) {
        try {
            GetRecordsResponse r = withBackoff(stream, shardId, () -> {
                pace(stream, shardId);
                stats.getRecordsCalls.incrementAndGet();
                return kinesis.getRecords(GetRecordsRequest.builder().shardIterator(shardIterator)
                        .limit(Math.max(1, Math.min(limit, 10_000))).build());
            });
            long bytes = 0;
            for (var rec : r.records()) {
                bytes += rec.data().asByteBuffer().remaining();
            }
            stats.records.addAndGet(r.records().size());
            stats.bytes.addAndGet(bytes);
            if (bytes > 0) {
                // 2 MB/s per shard: the next call on this shard waits until this page's bytes are paid for.
                ShardRateLimiter.penalize(stream, shardId, bytes * 1000 / BYTES_PER_SECOND_PER_SHARD);
            }
            return r;
        } catch (ExpiredIteratorException e) {
            return null;
        }
    }

    private void pace(String stream, String shardId) {
        try {
            ShardRateLimiter.acquire(stream, shardId, minGetRecordsIntervalMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SdkClientException.create("interrupted while pacing GetRecords on " + shardId, e);
        }
    }

    private <T> T withBackoff(String stream, String shardId, Supplier<T> call) {
        long backoff = 250;
        for (int attempt = 0; ; attempt++) {
            try {
                return call.get();
            } catch (ProvisionedThroughputExceededException | KmsThrottlingException | LimitExceededException e) {
                stats.throttles.incrementAndGet();
                if (attempt >= MAX_THROTTLE_RETRIES) {
                    throw e;
                }
                if (shardId != null) {
                    ShardRateLimiter.penalize(stream, shardId, backoff);
                } else {
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw SdkClientException.create("interrupted while backing off", ie);
                    }
                }
                backoff = Math.min(backoff * 2, 10_000);
            } catch (KinesisException e) {
                // InternalFailure (500), ServiceUnavailable (503): a brownout, past the SDK's own three tries, slows
                // the job instead of failing the query (the driver plans with these calls too); 4xx are answers
                if (attempt >= MAX_THROTTLE_RETRIES || !serverSide(e)) {
                    throw e;
                }
                sleepQuietly(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            } catch (SdkClientException e) {
                // The SDK already retried (timeouts, connection resets); an endpoint that is slow for a while
                // slows the job down instead of failing the query, within the same bounded number of tries.
                if (attempt >= MAX_THROTTLE_RETRIES || !(e.getCause() instanceof java.io.IOException)) {
                    throw e;
                }
                sleepQuietly(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    /** A failure of the service itself (HTTP 5xx), worth trying again; not a throttle or a wrong request. */
    static boolean serverSide(KinesisException e) {
        return e.statusCode() >= 500;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw SdkClientException.create("interrupted while backing off", ie);
        }
    }
}
