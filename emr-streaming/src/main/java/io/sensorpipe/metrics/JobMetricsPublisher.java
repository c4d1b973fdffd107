package io.sensorpipe.metrics;

import io.sensorpipe.contract.MetricNames;
import io.sensorpipe.schema.ReadingCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * Per-batch and cumulative job metrics. The sink reports what it wrote ({@link #recordSink}); when Spark reports the
 * batch's progress (records read, duration) the two are joined, logged, written to the metrics file (JSON, replaced
 * atomically each batch) and, when a namespace is configured, published to CloudWatch with PutMetricData.
 */
public final class JobMetricsPublisher extends StreamingQueryListener {
    private static final Logger LOG = LoggerFactory.getLogger(JobMetricsPublisher.class);

    private final Map<Long, BatchCounts> pendingSink = new ConcurrentHashMap<>();
    private final Path metricsFile;
    private final CloudWatchClient cloudWatch;
    private final String namespace;
    private final String stream;

    private long batches;
    private long recordsRead;
    private long deadLettered;
    private long late;
    private long duplicates;
    private long windowsWritten;
    private long readingsWindowed;
    private long anomalies;
    private long modelResets;
    private long stateResets;
    private long unscored;
    private long stateBytesWritten;
    private long lastBatchId = -1;
    private long lastBatchMillis;

    public JobMetricsPublisher(Path metricsFile, CloudWatchClient cloudWatch, String namespace, String stream) {
        this.metricsFile = metricsFile;
        this.cloudWatch = cloudWatch;
        this.namespace = namespace;
        this.stream = stream;
    }

    private volatile java.util.UUID runId;

    /** Only this run's progress counts (one listener per query; the session may run others). */
    public void watch(java.util.UUID queryRunId) {
        this.runId = queryRunId;
    }

    private final long[] latencySamples = new long[100_000];
    /** Samples ever recorded: a long, since a job running for months passes 2^31 windows (an int would overflow). */
    private long latencyCount;

    /** Event time of a window's newest reading → its item written, per window (a bounded ring of samples). */
    public synchronized void recordLatencies(long[] millis) {
        for (long l : millis) {
            latencySamples[(int) Math.floorMod(latencyCount++, (long) latencySamples.length)] = l;
        }
    }

    /** Samples recorded since start or the last reset. */
    public synchronized long latencySampleCount() {
        return latencyCount;
    }

    /** Tests only: pretends {@code count} samples were recorded before, as after months of running. */
    synchronized void latencySampleCountForTest(long count) {
        latencyCount = count;
    }

    public synchronized void resetLatencies() {
        latencyCount = 0;
    }

    /** Percentile (0..100) of the recorded event-time → DynamoDB latencies, or -1 when none. */
    public synchronized long latencyPercentile(double p) {
        int n = (int) Math.min(latencyCount, (long) latencySamples.length);
        if (n == 0) {
            return -1;
        }
        long[] sorted = java.util.Arrays.copyOf(latencySamples, n);
        java.util.Arrays.sort(sorted);
        return sorted[Math.min(n - 1, (int) Math.ceil(p / 100.0 * n) - 1)];
    }

    /** Sink counts not yet joined with a progress event (a batch run outside a streaming query). */
    public String pendingSummary() {
        return pendingSink.values().toString();
    }

    public void recordSink(BatchCounts counts) {
        pendingSink.put(counts.batchId(), counts);
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        var p = event.progress();
        if (runId != null && !runId.equals(p.runId())) {
            return;
        }
        BatchCounts sink = pendingSink.remove(p.batchId());
        if (sink == null) {
            sink = BatchCounts.empty(p.batchId());
        }
        Long total = p.durationMs().get("triggerExecution");
        long stateBytes = 0;
        for (var op : p.stateOperators()) {
            Long put = op.customMetrics().get(STATE_BYTES_METRIC);
            stateBytes += put == null ? 0 : put;
        }
        recordSourceMetrics(p.sources());
        batchDone(p.batchId(), p.numInputRows(), total == null ? 0 : total, sink, stateBytes);
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
    }

    /**
     * Bytes the state store wrote in a batch: RocksDB's uncompressed bytes of every Put/Delete (with changelog
     * checkpointing, the same rows go to the changelog file).
     */
    static final String STATE_BYTES_METRIC = "rocksdbTotalBytesWritten";

    // ---- source metrics (the Kinesis source reports them per batch in the progress; names in MetricNames)
    private static final java.util.Set<String> SOURCE_GAUGES = java.util.Set.of(
            MetricNames.MILLIS_BEHIND_LATEST, MetricNames.PLANNING_TIME_MS);
    private static final List<String> SOURCE_METRICS = List.of(MetricNames.MILLIS_BEHIND_LATEST,
            MetricNames.BYTES_READ, MetricNames.GET_RECORDS_CALLS,
            MetricNames.READ_THROTTLES, MetricNames.PLANNING_TIME_MS,
            MetricNames.DATA_LOSS_EVENTS);
    /** Cumulative counts (gauges: last value) of the source metrics, for the metrics file. */
    private final Map<String, Long> sourceTotals = new LinkedHashMap<>();
    /** The last batch's values, for CloudWatch. */
    private final Map<String, Long> sourceLast = new LinkedHashMap<>();

    synchronized void recordSourceMetrics(org.apache.spark.sql.streaming.SourceProgress[] sources) {
        sourceLast.clear();
        for (var src : sources) {
            Map<String, String> m = src.metrics();
            if (m == null) {
                continue;
            }
            for (String name : SOURCE_METRICS) {
                String v = m.get(name);
                if (v == null) {
                    continue;
                }
                long value;
                try {
                    value = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    continue;
                }
                sourceLast.merge(name, value, SOURCE_GAUGES.contains(name) ? Math::max : Long::sum);
                sourceTotals.merge(name, value, SOURCE_GAUGES.contains(name) ? (a, b) -> b : Long::sum);
            }
        }
    }

    synchronized void batchDone(long batchId, long read, long batchMillis, BatchCounts sink) {
        batchDone(batchId, read, batchMillis, sink, 0);
    }

    synchronized void batchDone(long batchId, long read, long batchMillis, BatchCounts sink, long stateBytes) {
        batches++;
        recordsRead += read;
        deadLettered += sink.deadLettered();
        late += sink.late();
        duplicates += sink.duplicates();
        windowsWritten += sink.windowsWritten();
        readingsWindowed += sink.readingsWindowed();
        anomalies += sink.anomalies();
        modelResets += sink.modelResets();
        stateResets += sink.stateResets();
        unscored += sink.unscored();
        stateBytesWritten += stateBytes;
        lastBatchId = batchId;
        lastBatchMillis = batchMillis;
        LOG.info("batch {}: read={} parsed={} deadLettered={} late={} duplicates={} windows={} anomalies={}"
                        + " modelResets={} stateResets={} stateBytes={} latencyMs={} (sink {} ms)",
                batchId, read, read - sink.deadLettered(), sink.deadLettered(), sink.late(), sink.duplicates(),
                sink.windowsWritten(), sink.anomalies(), sink.modelResets(), sink.stateResets(), stateBytes,
                batchMillis, sink.sinkMillis());
        writeFile();
        publish(read, sink, batchMillis, stateBytes);
    }

    /** Cumulative counters since this process started. */
    /** The newest batch whose progress this publisher has counted, or -1. */
    public synchronized long lastBatchId() {
        return lastBatchId;
    }

    public synchronized Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batches", batches);
        m.put("recordsRead", recordsRead);
        m.put("parsed", recordsRead - deadLettered);
        m.put("deadLettered", deadLettered);
        m.put("late", late);
        m.put("duplicates", duplicates);
        m.put("windowsWritten", windowsWritten);
        m.put("readingsWindowed", readingsWindowed);
        m.put("anomalies", anomalies);
        m.put("unscoredWindows", unscored);
        m.put("modelResets", modelResets);
        m.put("stateResets", stateResets);
        m.put("stateBytesWritten", stateBytesWritten);
        m.put("lastBatchId", lastBatchId);
        m.put("lastBatchLatencyMs", lastBatchMillis);
        m.put("eventToWriteP50Ms", latencyPercentile(50));
        m.put("eventToWriteP99Ms", latencyPercentile(99));
        m.putAll(sourceTotals);
        m.put("updatedAt", Instant.now().toString());
        return m;
    }

    private void writeFile() {
        if (metricsFile == null) {
            return;
        }
        try {
            Path abs = metricsFile.toAbsolutePath();
            Files.createDirectories(abs.getParent());
            Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
            Files.writeString(tmp, ReadingCodec.toJson(snapshot()) + "\n");
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("could not write metrics file {}: {}", metricsFile, e.toString());
        }
    }

    private void publish(long read, BatchCounts sink, long batchMillis, long stateBytes) {
        if (cloudWatch == null || namespace == null) {
            return;
        }
        List<MetricDatum> data = new ArrayList<>();
        Instant now = Instant.now();
        Dimension dim = Dimension.builder().name(MetricNames.STREAM_DIMENSION).value(stream).build();
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(MetricNames.RECORDS_READ, read);
        counts.put(MetricNames.RECORDS_PARSED, read - sink.deadLettered());
        counts.put(MetricNames.DEAD_LETTERED, sink.deadLettered());
        counts.put(MetricNames.LATE_READINGS, sink.late());
        counts.put(MetricNames.DUPLICATE_READINGS, sink.duplicates());
        counts.put(MetricNames.WINDOWS_WRITTEN, sink.windowsWritten());
        counts.put(MetricNames.ANOMALIES, sink.anomalies());
        counts.put(MetricNames.UNSCORED_WINDOWS, sink.unscored());
        counts.put(MetricNames.MODEL_RESETS, sink.modelResets());
        counts.put(MetricNames.STATE_RESETS, sink.stateResets());
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            data.add(MetricDatum.builder().metricName(e.getKey()).dimensions(dim).timestamp(now)
                    .unit(StandardUnit.COUNT).value((double) e.getValue()).build());
        }
        data.add(MetricDatum.builder().metricName(MetricNames.STATE_BYTES_WRITTEN).dimensions(dim).timestamp(now)
                .unit(StandardUnit.BYTES).value((double) stateBytes).build());
        synchronized (this) {
            sourceLast.forEach((name, value) -> data.add(MetricDatum.builder().metricName(name).dimensions(dim)
                    .timestamp(now).unit(SOURCE_GAUGES.contains(name) ? StandardUnit.MILLISECONDS
                            : name.equals(MetricNames.BYTES_READ) ? StandardUnit.BYTES
                            : StandardUnit.COUNT).value((double) value).build()));
        }
        data.add(MetricDatum.builder().metricName(MetricNames.BATCH_LATENCY_MS).dimensions(dim).timestamp(now)
                .unit(StandardUnit.MILLISECONDS).value((double) batchMillis).build());
        try {
            cloudWatch.putMetricData(b -> b.namespace(namespace).metricData(data));
        } catch (RuntimeException e) {
            LOG.warn("could not publish CloudWatch metrics: {}", e.toString()); // metrics never stop the job
        }
    }
}
