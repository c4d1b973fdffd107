package io.sensorpipe.bench;

import io.sensorpipe.job.BatchSink;
import io.sensorpipe.job.JobAwsClients;
import io.sensorpipe.metrics.JobMetricsPublisher;
import io.sensorpipe.processing.JobOutput;
import io.sensorpipe.processing.RawRecord;
import io.sensorpipe.processing.WindowingPipeline;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.score.ScorerConfig;
import io.sensorpipe.sink.DeadLetterWriter;
import io.sensorpipe.sink.DynamoDbResultSink;
import io.sensorpipe.aws.DynamoTables;
import io.sensorpipe.contract.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.execution.streaming.MemoryStream;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * {@code scripts/bench stream}: the stateful job against two baselines on the same input in one run (not a test;
 * the local cloud is needed for the job's DynamoDB sink).
 *
 * <ul>
 *   <li><b>job</b>: parse/validate + per-sensor windows with dedup and lateness + the default scorer + DynamoDB
 *       sink, with <em>steady-state models</em>: before the timed phase every sensor is pre-trained through the job
 *       itself on generated history (one reading per window, {@code sampleSize + shingleSize + warm-up} windows),
 *       so every model is past warm-up with full trees;</li>
 *   <li><b>parse</b>: {@code from_json} of every record, counted per batch;</li>
 *   <li><b>count</b>: {@code from_json} + watermark + {@code groupBy(window, sensorId).count()} to a memory sink.</li>
 * </ul>
 * Timed input: {@code sensors × windows × perWindow} readings (60 s windows), in batches of a few windows, the last
 * with one reading per sensor beyond the last window so every window closes. All three queries use the same
 * trigger, state store and shuffle partitions. Ends with
 * {@code job/parse=<ratio> job/count=<ratio> job_readings_per_s=<n> state_bytes_per_batch=<n>} (last round).
 */
public final class StreamBench {
    private static final long WINDOW_MS = 60_000;
    private static final int WINDOWS_PER_BATCH = 3;
    private static final long TIMEOUT_MS = 600_000;

    private final SparkSession spark;
    private final int sensors;
    private final int windows;
    private final int perWindow;
    private final long t0;
    private final long historyStart;
    private final int historyWindows;
    private final List<List<RawRecord>> history = new ArrayList<>();
    private final List<List<RawRecord>> timed = new ArrayList<>();

    StreamBench(SparkSession spark, int sensors, int windows, int perWindow) {
        this.spark = spark;
        this.sensors = sensors;
        this.windows = windows;
        this.perWindow = perWindow;
        ScorerConfig scorer = ScorerConfig.defaults();
        this.historyWindows = Math.max(scorer.warmupWindows(), scorer.likelihoodWarmupWindows())
                + scorer.sampleSize() + scorer.shingleSize() + 8;
        // event times end a few minutes ago: nothing is ahead of the clock
        this.t0 = (System.currentTimeMillis() - (windows + 5L) * WINDOW_MS) / WINDOW_MS * WINDOW_MS;
        this.historyStart = t0 - historyWindows * WINDOW_MS;
        long seq = 0;
        for (int w0 = 0; w0 < historyWindows; w0 += 50) {
            List<RawRecord> batch = new ArrayList<>();
            for (int w = w0; w < Math.min(historyWindows, w0 + 50); w++) {
                for (int s = 0; s < sensors; s++) {
                    batch.add(raw(s, historyStart + w * WINDOW_MS + 1_000, value(s, w, 0), seq++));
                }
            }
            history.add(batch);
        }
        for (int w0 = 0; w0 < windows; w0 += WINDOWS_PER_BATCH) {
            List<RawRecord> batch = new ArrayList<>();
            for (int w = w0; w < Math.min(windows, w0 + WINDOWS_PER_BATCH); w++) {
                for (int i = 0; i < perWindow; i++) {
                    for (int s = 0; s < sensors; s++) {
                        long ts = t0 + w * WINDOW_MS + i * (WINDOW_MS / perWindow);
                        batch.add(raw(s, ts, value(s, historyWindows + w, i), seq++));
                    }
                }
            }
            timed.add(batch);
        }
        for (int s = 0; s < sensors; s++) { // closes every timed window (watermark delay 0)
            timed.get(timed.size() - 1).add(raw(s, t0 + windows * WINDOW_MS + 1_000, value(s, 0, 0), seq++));
        }
    }

    private static double value(int sensor, int window, int i) {
        return 20 + sensor + 3 * Math.sin(window / 9.0) + 0.01 * (i % 7);
    }

    private static RawRecord raw(int sensor, long ts, double value, long seq) {
        byte[] data = Reading.of("bench/s" + sensor, "temperature", "bench", ts, value, "C").toJsonBytes();
        return new RawRecord(data, "bench", "shardId-" + sensor % 2, Long.toString(seq), 0);
    }

    long timedReadings() {
        return (long) sensors * windows * perWindow + sensors;
    }

    public static void main(String[] args) throws Exception {
        int sensors = arg(args, 0, 100);
        int windows = arg(args, 1, 30);
        int perWindow = arg(args, 2, 60);
        int rounds = arg(args, 3, 3);
        SparkSession spark = SparkSession.builder().master("local[2]").appName("sensorpipe-bench")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.streaming.stateStore.providerClass",
                        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
                .config("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        StreamBench bench = new StreamBench(spark, sensors, windows, perWindow);
        System.out.printf("input: %d sensors, %d history windows each (pre-training, untimed), then %d readings timed"
                        + " (%d windows x %d readings per sensor, %d batches)%n", sensors, bench.historyWindows,
                bench.timedReadings(), windows, perWindow, bench.timed.size());
        String line = null;
        for (int round = 1; round <= rounds; round++) {
            double parse = bench.timedReadings() / bench.runParse();
            double count = bench.timedReadings() / bench.runCount();
            long[] stateBytes = new long[2];
            double job = bench.timedReadings() / bench.runJob(stateBytes);
            long bytesPerBatch = stateBytes[1] == 0 ? 0 : stateBytes[0] / stateBytes[1];
            System.out.printf("round %d%s: parse %.0f readings/s, count %.0f readings/s, job %.0f readings/s, "
                            + "state %d bytes per data batch%n", round, round == 1 && rounds > 1 ? " (warm-up)" : "",
                    parse, count, job, bytesPerBatch);
            line = String.format("job/parse=%.2f job/count=%.2f job_readings_per_s=%.0f state_bytes_per_batch=%d",
                    job / parse, job / count, job, bytesPerBatch);
        }
        spark.stop();
        System.out.println(line);
    }

    private static int arg(String[] args, int i, int dflt) {
        return args.length > i ? Integer.parseInt(args[i]) : dflt;
    }

    // ------------------------------------------------------------------ the three queries

    /** Seconds to parse and count the timed input. */
    double runParse() throws Exception {
        MemoryStream<RawRecord> in = feed();
        AtomicLong parsed = new AtomicLong();
        StreamingQuery q = parsedReadings(in).writeStream()
                .trigger(Trigger.ProcessingTime(100))
                .option("checkpointLocation", Files.createTempDirectory("bench-parse").toString())
                .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (ds, id) -> parsed.addAndGet(ds.count()))
                .start();
        double s = seconds(() -> {
            feedAll(in, q, timed);
            await(q, parsed::get, timedReadings());
        });
        q.stop();
        return s;
    }

    /** Seconds to window and count the timed input with Spark's own aggregation. */
    double runCount() throws Exception {
        MemoryStream<RawRecord> in = feed();
        String table = "bench_count_" + System.nanoTime();
        StreamingQuery q = parsedReadings(in).withWatermark("eventTime", "0 seconds")
                .groupBy(functions.window(functions.col("eventTime"), WINDOW_MS / 1000 + " seconds"),
                        functions.col("sensorId"))
                .count()
                .writeStream().format("memory").queryName(table).outputMode("append")
                .trigger(Trigger.ProcessingTime(100))
                .option("checkpointLocation", Files.createTempDirectory("bench-count").toString())
                .start();
        double s = seconds(() -> {
            feedAll(in, q, timed);
            await(q, () -> spark.table(table).count(), (long) sensors * windows);
        });
        q.stop();
        return s;
    }

    /** Seconds for the job on the timed input, after pre-training; stateBytes = {bytes written, data batches}. */
    double runJob(long[] stateBytes) throws Exception {
        try (JobAwsClients aws = new JobAwsClients()) {
            String tableName = "bench-results-" + Long.toHexString(System.nanoTime());
            DynamoTables.createIfMissing(aws.dynamo(), Tables.RESULTS, tableName);
            Path tmp = Files.createTempDirectory("bench-job");
            JobMetricsPublisher metrics = new JobMetricsPublisher(null, null, null, "bench");
            MemoryStream<RawRecord> in = feed();
            Dataset<JobOutput> out = WindowingPipeline.build(in.toDF(), Duration.ofMillis(WINDOW_MS), Duration.ZERO,
                    ScorerConfig.defaults(), Duration.ofHours(1), Duration.ofDays(400), Duration.ofHours(1));
            BatchSink sink = new BatchSink(new DynamoDbResultSink(JobAwsClients::sharedDynamo, tableName, Duration.ofDays(1)),
                    DeadLetterWriter.toDirectory(tmp.resolve("dead"), "bench"), metrics);
            StateBytes state = new StateBytes();
            spark.streams().addListener(metrics);
            spark.streams().addListener(state);
            StreamingQuery q = out.writeStream().foreachBatch(sink)
                    .trigger(Trigger.ProcessingTime(100))
                    .option("checkpointLocation", tmp.resolve("cp").toString()).start();
            metrics.watch(q.runId());
            state.runId = q.runId();
            LongSupplier written = () -> ((Number) metrics.snapshot().get("windowsWritten")).longValue();
            try {
                feedAll(in, q, history);
                long historyClosed = (long) sensors * (historyWindows - 1); // the newest history window stays open
                await(q, written, historyClosed);
                state.reset();
                double s = seconds(() -> {
                    feedAll(in, q, timed);
                    await(q, written, historyClosed + 1L * sensors + (long) sensors * windows);
                });
                stateBytes[0] = state.bytes.get();
                stateBytes[1] = state.dataBatches.get();
                return s;
            } finally {
                q.stop();
                spark.streams().removeListener(metrics);
                spark.streams().removeListener(state);
                aws.dynamo().deleteTable(b -> b.tableName(tableName));
            }
        }
    }

    /** RocksDB's bytes written by the state operator, per batch that had input. */
    static final class StateBytes extends StreamingQueryListener {
        volatile UUID runId;
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong dataBatches = new AtomicLong();

        void reset() {
            bytes.set(0);
            dataBatches.set(0);
        }

        @Override
        public void onQueryProgress(QueryProgressEvent event) {
            StreamingQueryProgress p = event.progress();
            if (!p.runId().equals(runId) || p.numInputRows() == 0) {
                return;
            }
            dataBatches.incrementAndGet();
            for (var op : p.stateOperators()) {
                Long b = op.customMetrics().get("rocksdbTotalBytesWritten");
                bytes.addAndGet(b == null ? 0 : b);
            }
        }

        @Override
        public void onQueryStarted(QueryStartedEvent event) {
        }

        @Override
        public void onQueryTerminated(QueryTerminatedEvent event) {
        }
    }

    // ------------------------------------------------------------------ helpers

    private Dataset<Row> parsedReadings(MemoryStream<RawRecord> in) {
        StructType schema = new StructType().add("sensorId", DataTypes.StringType).add("ts", DataTypes.LongType)
                .add("value", DataTypes.DoubleType);
        return in.toDF()
                .select(functions.from_json(functions.col("data").cast("string"), schema).as("r"))
                .where(functions.col("r.sensorId").isNotNull())
                .select(functions.col("r.sensorId").as("sensorId"),
                        functions.timestamp_millis(functions.col("r.ts")).as("eventTime"),
                        functions.col("r.value").as("value"));
    }

    private MemoryStream<RawRecord> feed() {
        return MemoryStream.apply(Encoders.bean(RawRecord.class), spark.sqlContext());
    }

    private static void feedAll(MemoryStream<RawRecord> in, StreamingQuery q, List<List<RawRecord>> batches) {
        for (List<RawRecord> b : batches) {
            awaitProcessed(q, in.addData(JavaConverters.asScalaBuffer(b).toSeq()));
        }
    }

    /** Waits for the batch that read up to {@code offset} (works whether or not the query runs no-data batches). */
    private static void awaitProcessed(StreamingQuery q, Offset offset) {
        String json = offset.json();
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (q.exception().isDefined()) {
                throw new IllegalStateException("query failed", q.exception().get());
            }
            for (StreamingQueryProgress p : q.recentProgress()) {
                for (SourceProgress s : p.sources()) {
                    if (json.equals(s.endOffset())) {
                        return;
                    }
                }
            }
            sleep(5);
        }
        throw new IllegalStateException("offset " + json + " not processed in time");
    }

    private static void await(StreamingQuery q, LongSupplier count, long expected) {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (count.getAsLong() < expected) {
            if (System.currentTimeMillis() > deadline || q.exception().isDefined()) {
                throw new IllegalStateException("only " + count.getAsLong() + " of " + expected,
                        q.exception().isDefined() ? q.exception().get() : null);
            }
            sleep(10);
        }
    }

    interface Run {
        void run() throws Exception;
    }

    private static double seconds(Run r) throws Exception {
        long start = System.nanoTime();
        r.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
