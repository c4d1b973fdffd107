package io.sensorpipe.processing;

import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * Waits for a query to process its input up to an offset. {@code processAllAvailable} cannot: the stateful step's
 * processing-time timers make Spark run a batch every trigger even without data, so that call never returns.
 */
public final class QueryProgress {
    private QueryProgress() {
    }

    /** Blocks until a batch that read up to {@code offset} (of the query's only source) has completed. */
    public static void awaitProcessed(StreamingQuery query, Offset offset, long timeoutMillis) {
        String json = offset.json();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (query.exception().isDefined()) {
                throw new IllegalStateException("query failed", query.exception().get());
            }
            for (StreamingQueryProgress p : query.recentProgress()) {
                for (SourceProgress s : p.sources()) {
                    if (json.equals(s.endOffset())) {
                        return;
                    }
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("offset " + json + " not processed within " + timeoutMillis + " ms");
    }
}
