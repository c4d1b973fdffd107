package io.sensorpipe.job;

import io.sensorpipe.metrics.BatchCounts;
import io.sensorpipe.metrics.JobMetricsPublisher;
import io.sensorpipe.metrics.SampleAccumulator;
import io.sensorpipe.processing.JobOutput;
import io.sensorpipe.processing.WindowScoring;
import io.sensorpipe.schema.WindowResult;
import io.sensorpipe.sink.DeadLetter;
import io.sensorpipe.sink.DeadLetterSink;
import io.sensorpipe.sink.WindowResultSink;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.util.LongAccumulator;

/**
 * {@code foreachBatch} sink. The writes happen in the executors, partition by partition: window results to the
 * {@link WindowResultSink} in chunks, LATE, DUPLICATE and DEAD rows to one {@link DeadLetterSink} part per
 * partition (rejects are spread over many groups, so a poison flood spreads over tasks). Only counters and a
 * bounded sample of latencies come back to the driver (accumulators), so its memory does not depend on the batch.
 * Both writes are idempotent (same keys, same content on a re-run batch); a write that fails after its retries
 * fails the task and with it the batch, so Spark re-runs it from the checkpoint instead of losing output.
 */
public final class BatchSink implements VoidFunction2<Dataset<JobOutput>, Long> {
    private final WindowResultSink results;
    private final DeadLetterSink deadLetters;
    private final JobMetricsPublisher metrics;

    /** Spark's local property holding the running streaming query's id ({@code StreamExecution.QUERY_ID_KEY}). */
    static final String QUERY_ID = "sql.streaming.queryId";

    public BatchSink(WindowResultSink results, DeadLetterSink deadLetters, JobMetricsPublisher metrics) {
        this.results = results;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    @Override
    public void call(Dataset<JobOutput> output, Long batchId) {
        long started = System.currentTimeMillis();
        SparkContext sc = output.sparkSession().sparkContext();
        Counters c = new Counters(sc);
        // set by Spark on the query's thread, which runs this function; absent when a batch job calls it
        String queryId = sc.getLocalProperty(QUERY_ID);
        output.foreachPartition(new PartitionWriter(results,
                queryId == null ? deadLetters : deadLetters.forQuery(queryId), batchId, c));
        metrics.recordLatencies(c.latencies.value());
        metrics.recordSink(new BatchCounts(batchId, c.windows.value(), c.readings.value(), c.anomalies.value(),
                c.late.value(), c.dead.value(), c.duplicates.value(), c.modelResets.value(), c.stateResets.value(),
                c.unscored.value(), System.currentTimeMillis() - started));
    }

    /** One batch's accumulators (Spark counts an action's task updates once per successful task). */
    static final class Counters implements java.io.Serializable {
        final LongAccumulator windows;
        final LongAccumulator readings;
        final LongAccumulator anomalies;
        final LongAccumulator unscored;
        final LongAccumulator late;
        final LongAccumulator dead;
        final LongAccumulator duplicates;
        final LongAccumulator modelResets;
        final LongAccumulator stateResets;
        final SampleAccumulator latencies = new SampleAccumulator();

        Counters(SparkContext sc) {
            windows = sc.longAccumulator();
            readings = sc.longAccumulator();
            anomalies = sc.longAccumulator();
            unscored = sc.longAccumulator();
            late = sc.longAccumulator();
            dead = sc.longAccumulator();
            duplicates = sc.longAccumulator();
            modelResets = sc.longAccumulator();
            stateResets = sc.longAccumulator();
            sc.register(latencies);
        }
    }

    /** Runs in a task: streams its partition's rows to the sinks. */
    static final class PartitionWriter implements ForeachPartitionFunction<JobOutput> {
        /** Results per sink call: 4 BatchWriteItem requests of 25 in flight. */
        static final int CHUNK = 100;
        private final WindowResultSink results;
        private final DeadLetterSink deadLetters;
        private final long batchId;
        private final Counters c;

        PartitionWriter(WindowResultSink results, DeadLetterSink deadLetters, long batchId, Counters c) {
            this.results = results;
            this.deadLetters = deadLetters;
            this.batchId = batchId;
            this.c = c;
        }

        @Override
        public void call(Iterator<JobOutput> rows) {
            List<WindowResult> pending = new ArrayList<>(CHUNK);
            DeadLetterSink.Part part = null;
            try {
                while (rows.hasNext()) {
                    JobOutput o = rows.next();
                    String kind = o.getKind();
                    if (JobOutput.WINDOW.equals(kind)) {
                        pending.add(o.toWindowResult());
                        if (pending.size() == CHUNK) {
                            flush(pending);
                        }
                    } else if (o.isDeadLetter()) {
                        if (part == null) {
                            part = deadLetters.open(batchId, o.getProcessedAt(), TaskContext.getPartitionId());
                        }
                        part.add(DeadLetter.of(o));
                        (JobOutput.LATE.equals(kind) ? c.late : JobOutput.DUPLICATE.equals(kind) ? c.duplicates
                                : c.dead).add(1);
                    } else if (JobOutput.MODEL_RESET.equals(kind)) {
                        c.modelResets.add(1);
                    } else if (JobOutput.STATE_RESET.equals(kind)) {
                        c.stateResets.add(1);
                    }
                }
                flush(pending);
                if (part != null) {
                    part.commit();
                }
            } finally {
                if (part != null) {
                    part.close();
                }
            }
        }

        private void flush(List<WindowResult> pending) {
            if (pending.isEmpty()) {
                return;
            }
            results.write(pending);
            long written = System.currentTimeMillis();
            for (WindowResult r : pending) {
                c.windows.add(1);
                c.readings.add(r.count());
                c.anomalies.add(r.anomaly() ? 1 : 0);
                c.unscored.add(r.unscoredReason() != null ? 1 : 0);
                if (r.count() > 0) { // a silence flag has no reading to measure from
                    c.latencies.addSample(written - r.lastTs()); // newest reading of the window → its item stored
                }
            }
            pending.clear();
        }
    }
}
