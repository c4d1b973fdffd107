package io.sensorpipe.bench;

import io.sensorpipe.job.BatchSink;
import io.sensorpipe.job.JobAwsClients;
import io.sensorpipe.job.SensorStreamingJob;
import io.sensorpipe.metrics.JobMetricsPublisher;
import io.sensorpipe.processing.JobOutput;
import io.sensorpipe.processing.ModelStore;
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
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
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
 * Each round's input: {@code sensors × windows × perWindow} readings (60 s windows), in batches of a few windows,
 * the last with one reading per sensor beyond the last window so every window closes; the job keeps its state
 * across rounds (pre-trained once; stopped while the baselines run), each baseline starts fresh on the same input.
 * All three queries use the same session (the job's settings), trigger, state store and shuffle partitions, and are
 * fed alike: a batch's input is added once the query has taken the previous one ({@link #feedAll}), as from a
 * continuous stream. Each round prints every query's batches (with and without input) and their summed durations
 * and stage times; the run ends with
 * {@code job/parse=<ratio> job/count=<ratio> job_readings_per_s=<n> state_bytes_per_batch=<n>}: the medians over
 * the timed rounds of ratios taken within one round. The timed rounds come after {@code warmupRounds} (default 10)
 * untimed ones: a fresh JVM running Spark keeps its JIT compilers busy for a minute and more (each round prints
 * their time), taking up to a core of the two from the queries; a deployed job runs for days.
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
    private long seq;

    StreamBench(SparkSession spark, int sensors, int windows, int perWindow, int rounds) {
        this.spark = spark;
        this.sensors = sensors;
        this.windows = windows;
        this.perWindow = perWindow;
        ScorerConfig scorer = ScorerConfig.defaults();
        this.historyWindows = Math.max(scorer.warmupWindows(), scorer.likelihoodWarmupWindows())
                + scorer.sampleSize() + scorer.shingleSize() + 8;
        // event times end a few minutes ago: nothing is ahead of the clock
        this.t0 = (System.currentTimeMillis() - (rounds * (windows + 1L) + 5) * WINDOW_MS) / WINDOW_MS * WINDOW_MS;
        this.historyStart = t0 - historyWindows * WINDOW_MS;
        for (int w0 = 0; w0 < historyWindows; w0 += 50) {
            List<RawRecord> batch = new ArrayList<>();
            for (int w = w0; w < Math.min(historyWindows, w0 + 50); w++) {
                for (int s = 0; s < sensors; s++) {
                    batch.add(raw(s, historyStart + w * WINDOW_MS + 500, value(s, w, 0), seq++));
                }
            }
            history.add(batch);
        }
    }

    /**
     * Round {@code r}'s input: {@code windows} windows per sensor after the previous round's, the last batch with
     * one reading per sensor in the next window (off the 1 s grid), which closes every window of the round.
     */
    List<List<RawRecord>> round(int r) {
        long start = t0 + r * (windows + 1L) * WINDOW_MS;
        List<List<RawRecord>> batches = new ArrayList<>();
        for (int w0 = 0; w0 < windows; w0 += WINDOWS_PER_BATCH) {
            List<RawRecord> batch = new ArrayList<>();
            for (int w = w0; w < Math.min(windows, w0 + WINDOWS_PER_BATCH); w++) {
                for (int i = 0; i < perWindow; i++) {
                    for (int s = 0; s < sensors; s++) {
                        long ts = start + w * WINDOW_MS + i * (WINDOW_MS / perWindow);
                        batch.add(raw(s, ts, value(s, historyWindows + w, i), seq++));
                    }
                }
            }
            batches.add(batch);
        }
        for (int s = 0; s < sensors; s++) {
            batches.get(batches.size() - 1).add(raw(s, start + windows * WINDOW_MS + 500, value(s, 0, 0), seq++));
        }
        return batches;
    }

    private static double value(int sensor, int window, int i) {
        return 20 + sensor + 3 * Math.sin(window / 9.0) + 0.01 * (i % 7);
    }

    private static RawRecord raw(int sensor, long ts, double value, long seq) { // seq: the record's position
        byte[] data = Reading.of("bench/s" + sensor, "temperature", "bench", ts, value, "C").toJsonBytes();
        return new RawRecord(data, "bench", "shardId-" + sensor % 2, Long.toString(seq), 0);
    }

    long timedReadings() {
        return (long) sensors * windows * perWindow + sensors;
    }

    public static void main(String[] args) throws Exception {
        int sensors = arg(args, 0, 20);
        int windows = arg(args, 1, 20);
        int perWindow = arg(args, 2, 60);
        int timedRounds = arg(args, 3, 6);
        int warmupRounds = arg(args, 4, 10);
        if (timedRounds < 1 || warmupRounds < 0) {
            throw new IllegalArgumentException("timed-rounds must be at least 1 and warmup-rounds at least 0, got "
                    + timedRounds + " and " + warmupRounds);
        }
        int rounds = warmupRounds + timedRounds;
        SparkSession spark = SparkSession.builder().master("local[2]").appName("sensorpipe-bench")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.streaming.stateStore.providerClass",
                        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
                .config("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true")
                // the job's own session settings (SensorStreamingJob.session), for all three queries
                .config(SensorStreamingJob.LOCAL_CHECKPOINT_FILES, SensorStreamingJob.LOCAL_CHECKPOINT_FILE_MANAGER)
                .config(SensorStreamingJob.UI_EXPLAIN_MODE, SensorStreamingJob.UI_EXPLAIN_SIMPLE)
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        spark.sparkContext().addSparkListener(STAGES);
        StreamBench bench = new StreamBench(spark, sensors, windows, perWindow, rounds);
        System.out.printf("input: %d sensors pre-trained on %d history windows each (untimed), then per round %d"
                        + " readings (%d windows x %d readings per sensor, 60 s windows, %d batches)%n", sensors,
                bench.historyWindows, bench.timedReadings(), windows, perWindow, bench.round(0).size());
        List<double[]> timed = new ArrayList<>(); // per timed round: job/parse, job/count, job readings/s, bytes
        List<double[]> early = new ArrayList<>(); // the same for rounds 2..6, which the bench timed before
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        try (Job job = bench.startJob()) {
            for (int round = 0; round < rounds; round++) {
                long jitBefore = jit.getTotalCompilationTime();
                long roundStarted = System.nanoTime();
                List<List<RawRecord>> input = bench.round(round);
                double parse = bench.timedReadings() / bench.runParse(input);
                double count = bench.timedReadings() / bench.runCount(input);
                long dynamoBefore = DYNAMO_NANOS.get();
                long callsBefore = DYNAMO_CALLS.get();
                double jobSeconds = job.run(input);
                double jobRate = bench.timedReadings() / jobSeconds;
                System.out.printf("  job's DynamoDB calls: %d, %.0f ms summed over the tasks (round %.0f ms)%n",
                        DYNAMO_CALLS.get() - callsBefore, (DYNAMO_NANOS.get() - dynamoBefore) / 1e6,
                        jobSeconds * 1000);
                System.out.printf("  job's state bytes: %d in the state store, %d in model files (%d batches with "
                        + "input)%n", job.state.bytes.get(), job.state.total() - job.state.bytes.get(),
                        job.state.dataBatches.get());
                long bytesPerBatch = job.state.dataBatches.get() == 0 ? 0
                        : job.state.total() / job.state.dataBatches.get();
                boolean warmUp = round < warmupRounds;
                double[] row = {jobRate / parse, jobRate / count, jobRate, bytesPerBatch};
                System.out.printf("round %d%s: parse %.0f readings/s, count %.0f readings/s, job %.0f readings/s "
                                + "(job/parse %.2f, job/count %.2f), state %d bytes per data batch; JIT compile "
                                + "time %.1f s (summed over the compiler threads) in the round's %.1f s%n", round + 1,
                        warmUp ? " (warm-up)" : "", parse, count, jobRate, jobRate / parse,
                        jobRate / count, bytesPerBatch, (jit.getTotalCompilationTime() - jitBefore) / 1000.0,
                        (System.nanoTime() - roundStarted) / 1e9);
                if (!warmUp) {
                    timed.add(row);
                }
                if (round >= 1 && round <= 5) {
                    early.add(row);
                }
            }
        }
        spark.stop();
        if (warmupRounds >= 6 && !early.isEmpty()) { // rounds 2..6 all warm-up rounds: a distinct comparison
            // what the bench reported before it warmed up for 10 rounds: the same run's rounds 2..6, while the JIT
            // still compiles much of the time (see docs/BENCHMARKS.md, round 9)
            System.out.printf("for comparison, rounds 2..%d (JIT still warming up): job/parse=%.2f job/count=%.2f%n",
                    early.size() + 1, median(early, 0), median(early, 1));
        }
        // Medians over the timed rounds: each ratio is taken within one round (same load), the median damps the
        // load of a shared machine changing under one query's few seconds.
        System.out.printf("final line: medians of rounds %d..%d (after %d warm-up rounds)%n",
                rounds - timed.size() + 1, rounds, warmupRounds);
        System.out.printf("job/parse=%.2f job/count=%.2f job_readings_per_s=%.0f state_bytes_per_batch=%.0f%n",
                median(timed, 0), median(timed, 1), median(timed, 2), median(timed, 3));
    }

    private static double median(List<double[]> rows, int col) {
        double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static int arg(String[] args, int i, int dflt) {
        return args.length > i ? Integer.parseInt(args[i]) : dflt;
    }

    // ------------------------------------------------------------------ the three queries

    /** Seconds to parse and count the timed input. */
    double runParse(List<List<RawRecord>> timed) throws Exception {
        MemoryStream<RawRecord> in = feed();
        AtomicLong parsed = new AtomicLong();
        Path cp = Files.createTempDirectory("bench-parse");
        StreamingQuery q = parsedReadings(in).writeStream()
                .trigger(Trigger.ProcessingTime(100))
                .option("checkpointLocation", cp.toString())
                .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (ds, id) -> parsed.addAndGet(ds.count()))
                .start();
        double s = seconds(() -> {
            feedAll(in, q, cp, timed);
            await(q, parsed::get, timedReadings());
        });
        q.stop();
        report("parse", q, 0);
        return s;
    }

    /** Seconds to window and count the timed input with Spark's own aggregation. */
    double runCount(List<List<RawRecord>> timed) throws Exception {
        MemoryStream<RawRecord> in = feed();
        String table = "bench_count_" + System.nanoTime();
        Path cp = Files.createTempDirectory("bench-count");
        StreamingQuery q = parsedReadings(in).withWatermark("eventTime", "0 seconds")
                .groupBy(functions.window(functions.col("eventTime"), WINDOW_MS / 1000 + " seconds"),
                        functions.col("sensorId"))
                .count()
                .writeStream().format("memory").queryName(table).outputMode("append")
                .trigger(Trigger.ProcessingTime(100))
                .option("checkpointLocation", cp.toString())
                .start();
        double s = seconds(() -> {
            feedAll(in, q, cp, timed);
            await(q, () -> spark.table(table).count(), (long) sensors * windows);
        });
        q.stop();
        report("count", q, 0);
        return s;
    }

    /** The job's query, pre-trained once; each round feeds it the next windows. */
    Job startJob() throws Exception {
        return new Job();
    }

    final class Job implements AutoCloseable {
        private final JobAwsClients aws = new JobAwsClients();
        private final String tableName = "bench-results-" + Long.toHexString(System.nanoTime());
        private final JobMetricsPublisher metrics = new JobMetricsPublisher(null, null, null, "bench");
        private final MemoryStream<RawRecord> in = feed();
        private final StateBytes state = new StateBytes();
        private final Dataset<JobOutput> out;
        private final BatchSink sink;
        private final Path checkpoint;
        private StreamingQuery q;
        private final LongSupplier written = () -> ((Number) metrics.snapshot().get("windowsWritten")).longValue();
        private final long historyClosed;

        Job() throws Exception {
            DynamoTables.createIfMissing(aws.dynamo(), Tables.RESULTS, tableName);
            Path tmp = Files.createTempDirectory("bench-job");
            checkpoint = tmp.resolve("cp");
            out = WindowingPipeline.build(in.toDF(), Duration.ofMillis(WINDOW_MS), Duration.ZERO,
                    ScorerConfig.defaults(), Duration.ofHours(1), Duration.ofDays(400), Duration.ofHours(1), null,
                    ModelStore.files(spark, ModelStore.dirFor(checkpoint.toString())));
            sink = new BatchSink(new DynamoDbResultSink(StreamBench::timedDynamo, tableName, Duration.ofDays(1)),
                    DeadLetterWriter.toDirectory(tmp.resolve("dead"), "bench"), metrics);
            spark.streams().addListener(metrics);
            spark.streams().addListener(state);
            start();
            feedAll(in, q, checkpoint, history);
            historyClosed = (long) sensors * (historyWindows - 1); // the newest history window stays open
            await(q, written, historyClosed);
            // Stopped while the baselines run: with processing-time timers the job runs a batch every trigger even
            // without input, which would take CPU from the baselines' timed runs on a small machine.
            q.stop();
        }

        /** (Re)starts the query on its checkpoint (state and the executor's live scorers are kept). */
        private void start() throws Exception {
            q = out.writeStream().foreachBatch(sink)
                    .trigger(Trigger.ProcessingTime(100))
                    .option("checkpointLocation", checkpoint.toString()).start();
            metrics.watch(q.runId());
            state.runId = q.runId();
        }

        /** Seconds for one round's input; {@link #state} then holds that round's state bytes. */
        double run(List<List<RawRecord>> input) throws Exception {
            state.reset();
            long before = written.getAsLong();
            // the round closes its windows and the one its predecessor's last readings opened (in round 1 the newest
            // history window)
            long expected = before + (long) sensors * windows + sensors;
            start();
            while (q.lastProgress() == null) { // the restart (state store load) is not timed
                if (q.exception().isDefined()) {
                    throw new IllegalStateException("query failed", q.exception().get());
                }
                sleep(10);
            }
            int untimed = q.recentProgress().length; // progress entries before the timed part
            STAGES.take(q.id());
            double s = seconds(() -> {
                feedAll(in, q, checkpoint, input);
                await(q, written, expected);
            });
            q.stop();
            report("job", q, untimed);
            return s;
        }

        @Override
        public void close() throws Exception {
            if (q.isActive()) {
                q.stop();
            }
            spark.streams().removeListener(metrics);
            spark.streams().removeListener(state);
            aws.dynamo().deleteTable(b -> b.tableName(tableName));
            aws.close();
        }
    }

    /**
     * Per streaming query (Spark's {@code sql.streaming.queryId} job property): its stages' wall time (submitted →
     * completed) and their tasks' run, deserialization and shuffle-write time, split into shuffle-map and result
     * stages, so a round's addBatch time can be read as where it went.
     */
    static final class StageTimes extends org.apache.spark.scheduler.SparkListener {
        private final java.util.Map<Integer, String> stageQuery = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.Map<String, java.util.Map<String, Long>> byQuery = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void onStageSubmitted(org.apache.spark.scheduler.SparkListenerStageSubmitted e) {
            String id = e.properties() == null ? null : e.properties().getProperty("sql.streaming.queryId");
            if (id != null) {
                stageQuery.put(e.stageInfo().stageId(), id);
            }
        }

        @Override
        public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted e) {
            var info = e.stageInfo();
            String id = stageQuery.remove(info.stageId());
            if (id == null || info.submissionTime().isEmpty() || info.completionTime().isEmpty()) {
                return;
            }
            var m = info.taskMetrics();
            String kind = m.shuffleWriteMetrics().recordsWritten() > 0 || m.shuffleWriteMetrics().bytesWritten() > 0
                    ? "map" : "result";
            var acc = byQuery.computeIfAbsent(id, k -> new java.util.concurrent.ConcurrentSkipListMap<>());
            acc.merge(kind + "Stages", 1L, Long::sum);
            acc.merge(kind + "Tasks", (long) info.numTasks(), Long::sum);
            acc.merge(kind + "WallMs", (Long) info.completionTime().get() - (Long) info.submissionTime().get(),
                    Long::sum);
            acc.merge(kind + "TaskRunMs", m.executorRunTime(), Long::sum);
            acc.merge(kind + "TaskDeserMs", m.executorDeserializeTime(), Long::sum);
            acc.merge(kind + "ShuffleWriteMs", m.shuffleWriteMetrics().writeTime() / 1_000_000, Long::sum);
            acc.merge(kind + "ShuffleBytes", m.shuffleWriteMetrics().bytesWritten(), Long::sum);
            acc.merge(kind + "ShuffleRecords", m.shuffleWriteMetrics().recordsWritten(), Long::sum);
        }

        String take(java.util.UUID queryId) {
            var m = byQuery.remove(queryId.toString());
            return m == null ? "{}" : m.toString();
        }
    }

    static final StageTimes STAGES = new StageTimes();

    /** Summed duration of the job's DynamoDB calls (local mode: executors are this JVM), for the per-round line. */
    static final AtomicLong DYNAMO_NANOS = new AtomicLong();
    static final AtomicLong DYNAMO_CALLS = new AtomicLong();
    private static volatile software.amazon.awssdk.services.dynamodb.DynamoDbClient timedDynamo;

    /**
     * The sink's DynamoDB client with an SDK interceptor that times each call (request marshalled to response
     * read, retries included): how much of the job's time is the writes' round trips, which the baselines, writing
     * to memory, do not have.
     */
    static software.amazon.awssdk.services.dynamodb.DynamoDbClient timedDynamo() {
        if (timedDynamo == null) {
            synchronized (StreamBench.class) {
                if (timedDynamo == null) {
                    timedDynamo = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                            .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient
                                    .builder())
                            .overrideConfiguration(o -> o.addExecutionInterceptor(new CallTimer()))
                            .build();
                }
            }
        }
        return timedDynamo;
    }

    private static final class CallTimer implements software.amazon.awssdk.core.interceptor.ExecutionInterceptor {
        private static final software.amazon.awssdk.core.interceptor.ExecutionAttribute<Long> STARTED =
                new software.amazon.awssdk.core.interceptor.ExecutionAttribute<>("bench-started");

        @Override
        public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
                                    software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            attributes.putAttribute(STARTED, System.nanoTime());
        }

        @Override
        public void afterExecution(software.amazon.awssdk.core.interceptor.Context.AfterExecution context,
                                   software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            DYNAMO_NANOS.addAndGet(System.nanoTime() - attributes.getAttribute(STARTED));
            DYNAMO_CALLS.incrementAndGet();
        }
    }

    /**
     * State bytes written, per batch that had input: RocksDB's by the state operator, plus the model snapshots written
     * to model files ({@link ModelStore}; this JVM's executors, as in local mode).
     */
    static final class StateBytes extends StreamingQueryListener {
        volatile UUID runId;
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong dataBatches = new AtomicLong();
        private volatile long modelFileBytesBefore;

        void reset() {
            bytes.set(0);
            dataBatches.set(0);
            modelFileBytesBefore = ModelStore.FILE_BYTES_WRITTEN.get();
        }

        /** Since {@link #reset}: the state store's bytes and the model files'. */
        long total() {
            return bytes.get() + ModelStore.FILE_BYTES_WRITTEN.get() - modelFileBytesBefore;
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

    /**
     * Feeds the batches as a continuous stream would: the next batch's input is added as soon as the query has
     * taken the previous one (its offset is in the query's offset log), so it waits for the running batch and is
     * read by the next trigger, whole and alone. (Adding it only after the previous batch was processed made the
     * next trigger find no input: a query that runs batches without input (processing-time timers) then started one
     * of those, and the input waited for it, while the baselines only waited for their next trigger.)
     */
    private static void feedAll(MemoryStream<RawRecord> in, StreamingQuery q, Path checkpoint,
                                List<List<RawRecord>> batches) {
        Offset last = null;
        for (List<RawRecord> b : batches) {
            if (last != null) {
                awaitTaken(q, checkpoint, last);
            }
            last = in.addData(JavaConverters.asScalaBuffer(b).toSeq());
        }
        awaitProcessed(q, last);
    }

    /** Waits until a batch reading up to {@code offset} is in the query's offset log (planned, maybe running). */
    private static void awaitTaken(StreamingQuery q, Path checkpoint, Offset offset) {
        String json = offset.json();
        Path log = checkpoint.resolve("offsets");
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        long seen = -1;
        while (System.currentTimeMillis() < deadline) {
            if (q.exception().isDefined()) {
                throw new IllegalStateException("query failed", q.exception().get());
            }
            String[] names = log.toFile().list();
            if (names != null) {
                for (String n : names) {
                    if (!n.matches("\\d+") || Long.parseLong(n) <= seen) {
                        continue;
                    }
                    try {
                        List<String> lines = Files.readAllLines(log.resolve(n));
                        if (json.equals(lines.get(lines.size() - 1).trim())) {
                            return;
                        }
                        seen = Math.max(seen, Long.parseLong(n));
                    } catch (java.io.IOException | RuntimeException e) {
                        // being written (renamed into place whole, but a listing may race the rename): look again
                    }
                }
            }
            sleep(2);
        }
        throw new IllegalStateException("offset " + json + " not taken in time");
    }

    /**
     * One line per timed run: how many batches the query ran (with and without input) and where their time went
     * (Spark's per-batch durations, summed), so the ratios can be read against per-batch costs.
     */
    private static void report(String name, StreamingQuery q, int skip) {
        java.util.Map<String, Long> ms = new java.util.TreeMap<>();
        java.util.Map<String, Long> state = new java.util.TreeMap<>();
        int data = 0;
        int empty = 0;
        StreamingQueryProgress[] all = q.recentProgress();
        for (int i = skip; i < all.length; i++) {
            StreamingQueryProgress p = all[i];
            if (!p.durationMs().containsKey("addBatch")) {
                continue; // a trigger that ran no batch
            }
            if (p.numInputRows() > 0) {
                data++;
            } else {
                empty++;
            }
            p.durationMs().forEach((k, v) -> ms.merge(k, v, Long::sum));
            for (var op : p.stateOperators()) { // inside addBatch: the state step's own time and its commits
                state.merge("updates", op.allUpdatesTimeMs(), Long::sum);
                state.merge("removals", op.allRemovalsTimeMs(), Long::sum);
                state.merge("commit", op.commitTimeMs(), Long::sum);
            }
        }
        System.out.printf("  %s: %d batches with input, %d without; summed ms %s%s; stages %s%n", name, data, empty,
                ms, state.isEmpty() ? "" : ", of which state operator " + state, STAGES.take(q.id()));
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
