package io.sensorpipe.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.BatchWriteItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.BatchWriteResult;
import software.amazon.awssdk.enhanced.dynamodb.model.WriteBatch;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Writes window items with BatchWriteItem (25 per request), retrying unprocessed items with exponential backoff.
 * Puts are idempotent (same key, same content), so a retried or replayed batch is harmless; items still unprocessed
 * after all retries fail the call, and with it the micro-batch, instead of being dropped.
 */
public final class DynamoDbWindowWriter {
    public static final TableSchema<WindowResultItem> SCHEMA = TableSchema.fromBean(WindowResultItem.class);
    static final int BATCH_SIZE = 25;
    private static final int MAX_ATTEMPTS = 10;
    static final int PARALLEL_REQUESTS = 4;
    private static final ExecutorService POOL = Executors.newFixedThreadPool(PARALLEL_REQUESTS, r -> {
        Thread t = new Thread(r, "dynamodb-window-writer");
        t.setDaemon(true);
        return t;
    });

    private final DynamoDbEnhancedClient enhanced;
    private final DynamoDbTable<WindowResultItem> table;

    public DynamoDbWindowWriter(DynamoDbClient dynamo, String tableName) {
        this.enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamo).build();
        this.table = enhanced.table(tableName, SCHEMA);
    }

    public DynamoDbTable<WindowResultItem> table() {
        return table;
    }

    /**
     * Writes all items, {@value #PARALLEL_REQUESTS} BatchWriteItem requests in flight (one request is a round trip;
     * a batch closing many windows would otherwise wait on them one after another). Returns the requests sent.
     */
    public int writeAll(List<WindowResultItem> items) {
        List<List<WindowResultItem>> chunks = new ArrayList<>();
        for (int from = 0; from < items.size(); from += BATCH_SIZE) {
            chunks.add(items.subList(from, Math.min(items.size(), from + BATCH_SIZE)));
        }
        if (chunks.size() <= 1) {
            return chunks.isEmpty() ? 0 : writeChunk(chunks.get(0));
        }
        List<Future<Integer>> futures = new ArrayList<>();
        for (List<WindowResultItem> chunk : chunks) {
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

    private int writeChunk(List<WindowResultItem> chunk) {
        List<WindowResultItem> pending = new ArrayList<>(chunk);
        int requests = 0;
        long backoff = 50;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > MAX_ATTEMPTS) {
                throw new IllegalStateException(pending.size() + " window items still unprocessed after "
                        + MAX_ATTEMPTS + " BatchWriteItem attempts (table " + table.tableName() + ")");
            }
            WriteBatch.Builder<WindowResultItem> batch = WriteBatch.builder(WindowResultItem.class)
                    .mappedTableResource(table);
            pending.forEach(batch::addPutItem);
            BatchWriteResult result = enhanced.batchWriteItem(
                    BatchWriteItemEnhancedRequest.builder().writeBatches(batch.build()).build());
            requests++;
            pending = new ArrayList<>(result.unprocessedPutItemsForTable(table));
            if (!pending.isEmpty()) {
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
        return requests;
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
