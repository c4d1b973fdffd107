package io.sensorpipe.job;

import io.sensorpipe.metrics.BatchCounts;
import io.sensorpipe.metrics.JobMetrics;
import io.sensorpipe.processing.JobOutput;
import io.sensorpipe.sink.DeadLetter;
import io.sensorpipe.sink.DeadLetterWriter;
import io.sensorpipe.sink.DynamoDbWindowWriter;
import io.sensorpipe.sink.WindowResultItem;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;

/**
 * {@code foreachBatch} sink: window items to DynamoDB, LATE, DUPLICATE and DEAD rows to the dead-letter sink. Both writes are
 * idempotent (same key, same content on a re-run batch); a write that fails after its retries fails the batch, so
 * Spark re-runs it from the checkpoint instead of losing output. Runs on the driver: a batch's output is one item
 * per closed window plus the rejects, small next to the readings that produced it.
 */
public final class BatchSink implements VoidFunction2<Dataset<JobOutput>, Long> {
    private final DynamoDbWindowWriter windows;
    private final DeadLetterWriter deadLetters;
    private final JobMetrics metrics;
    private final long ttlSeconds;

    public BatchSink(DynamoDbWindowWriter windows, DeadLetterWriter deadLetters, JobMetrics metrics, long ttlSeconds) {
        this.windows = windows;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.ttlSeconds = ttlSeconds;
    }

    @Override
    public void call(Dataset<JobOutput> output, Long batchId) {
        long started = System.currentTimeMillis();
        List<JobOutput> rows = output.collectAsList();
        List<WindowResultItem> items = new ArrayList<>();
        List<DeadLetter> letters = new ArrayList<>();
        long readings = 0;
        long anomalies = 0;
        long late = 0;
        long duplicates = 0;
        long batchTime = 0;
        for (JobOutput o : rows) {
            batchTime = o.getProcessedAt();
            if (JobOutput.WINDOW.equals(o.getKind())) {
                items.add(WindowResultItem.from(o.toWindowResult(), ttlSeconds));
                readings += o.getCount();
                anomalies += o.isAnomaly() ? 1 : 0;
            } else {
                letters.add(DeadLetter.of(o));
                late += JobOutput.LATE.equals(o.getKind()) ? 1 : 0;
                duplicates += JobOutput.DUPLICATE.equals(o.getKind()) ? 1 : 0;
            }
        }
        windows.writeAll(items);
        long written = System.currentTimeMillis();
        long[] latencies = new long[items.size()];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = written - items.get(i).getLastTs(); // newest reading of the window → its item stored
        }
        metrics.recordLatencies(latencies);
        deadLetters.write(batchId, batchTime, letters);
        metrics.recordSink(new BatchCounts(batchId, items.size(), readings, anomalies, late,
                letters.size() - late - duplicates, duplicates, System.currentTimeMillis() - started));
    }
}
