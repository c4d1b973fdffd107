package io.sensorpipe.sink;

import io.sensorpipe.aws.ResultItemValues;
import io.sensorpipe.schema.WindowResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes window results as results-table items ({@link ResultItemValues#toItem}, the one mapping every module
 * shares) with BatchWriteItem (25 per request), retrying unprocessed items with exponential backoff.
 * Puts are idempotent (same key, same content), so a retried or replayed batch is harmless; items still unprocessed
 * after all retries fail the call, and with it the micro-batch, instead of being dropped.
 */
public final class DynamoDbWindowWriter {
    static final int BATCH_SIZE = 25;
    private static final int MAX_ATTEMPTS = 10;
    /**
     * Thrown throttles and service failures tried again past the SDK's own retries (a whole request throttled is
     * an exception, not unprocessed items): ~2 minutes at the 5 s cap, so a hot partition slows the batch rather
     * than failing its task (in local mode, the query).
     */
    private static final int MAX_FAILED_REQUESTS = 30;
    static final int PARALLEL_REQUESTS = 4;
    private static final ExecutorService POOL = Executors.newFixedThreadPool(PARALLEL_REQUESTS, r -> {
        Thread t = new Thread(r, "dynamodb-window-writer");
        t.setDaemon(true);
        return t;
    });

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration ttl;

    public DynamoDbWindowWriter(DynamoDbClient dynamo, String tableName, Duration ttl) {
        this.dynamo = dynamo;
        this.table = tableName;
        this.ttl = ttl;
    }

    /**
     * Writes all items, {@value #PARALLEL_REQUESTS} BatchWriteItem requests in flight (one request is a round trip;
     * a batch closing many windows would otherwise wait on them one after another). Returns the requests sent.
     */
    public int writeAll(List<WindowResult> results) {
        List<WriteRequest> items = new ArrayList<>(results.size());
        for (WindowResult r : results) {
            items.add(WriteRequest.builder().putRequest(PutRequest.builder().item(ResultItemValues.toItem(r, ttl))
                    .build()).build());
        }
        List<List<WriteRequest>> chunks = new ArrayList<>();
        for (int from = 0; from < items.size(); from += BATCH_SIZE) {
            chunks.add(items.subList(from, Math.min(items.size(), from + BATCH_SIZE)));
        }
        if (chunks.size() <= 1) {
            return chunks.isEmpty() ? 0 : writeChunk(chunks.get(0));
        }
        List<Future<Integer>> futures = new ArrayList<>();
        for (List<WriteRequest> chunk : chunks) {
            futures.add(POOL.submit(() -> writeChunk(chunk)));
        }
        int requests = 0;
        RuntimeException failure = null;
        for (Future<Integer> f : futures) {
            try {
                requests += f.get();
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r ? r
                        : new IllegalStateException(e.getCause());
                if (failure == null) {
                    failure = cause;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(x -> x.cancel(true));
                throw new IllegalStateException("interrupted while writing window items", e);
            }
        }
        if (failure != null) {
            throw failure; // after every chunk finished: no write continues behind the failed batch's back
        }
        return requests;
    }

    private int writeChunk(List<WriteRequest> chunk) {
        List<WriteRequest> pending = new ArrayList<>(chunk);
        int requests = 0;
        long backoff = 50;
        int failedRequests = 0;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > MAX_ATTEMPTS) {
                throw new IllegalStateException(pending.size() + " window items still unprocessed after "
                        + MAX_ATTEMPTS + " BatchWriteItem attempts (table " + table + ")");
            }
            List<WriteRequest> batch = pending;
            BatchWriteItemResponse result;
            try {
                result = dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, batch)));
            } catch (RuntimeException e) {
                if (!retryable(e) || ++failedRequests > MAX_FAILED_REQUESTS) {
                    throw e;
                }
                attempt--; // counted apart: nothing of the request was processed
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5_000);
                continue;
            }
            requests++;
            pending = new ArrayList<>(result.unprocessedItems().getOrDefault(table, List.of()));
            if (!pending.isEmpty()) {
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
        return requests;
    }

    /** A throttle or a failure of the service (HTTP 5xx, a dropped connection): worth the same request again. */
    static boolean retryable(RuntimeException e) {
        if (e instanceof ProvisionedThroughputExceededException || e instanceof RequestLimitExceededException) {
            return true;
        }
        if (e instanceof DynamoDbException d) {
            String code = d.awsErrorDetails() == null ? null : d.awsErrorDetails().errorCode();
            return d.statusCode() >= 500 || "ThrottlingException".equals(code);
        }
        return e instanceof SdkClientException && e.getCause() instanceof java.io.IOException;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying unprocessed items", e);
        }
    }
}
