package io.sensorpipe.job;

import io.sensorpipe.kinesis.KinesisSourceOptions;
import io.sensorpipe.kinesis.KinesisSourceProvider;
import io.sensorpipe.kinesis.SourceDrain;
import io.sensorpipe.metrics.JobMetricsPublisher;
import io.sensorpipe.processing.JobOutput;
import io.sensorpipe.processing.ModelStore;
import io.sensorpipe.processing.SensorState;
import io.sensorpipe.processing.WindowingPipeline;
import org.apache.spark.sql.KeyValueGroupedDataset;
import io.sensorpipe.score.ScorerConfig;
import io.sensorpipe.sink.DeadLetterWriter;
import io.sensorpipe.sink.DeadLetterSink;
import io.sensorpipe.sink.DynamoDbResultSink;
import io.sensorpipe.sink.WindowResultSink;
import io.sensorpipe.aws.DynamoTables;
import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.processing.RunStarts;
import io.sensorpipe.contract.Tables;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job: source → parse/windows/scores → sinks, for one {@link JobConfig}. Source and sinks are
 * arguments ({@link #kinesisToDynamoDb} wires the production ones: Kinesis, DynamoDB, S3 or a directory for dead
 * letters; tests may wire others, e.g. a memory stream).
 */
public final class SensorStreamingJob {
    private static final Logger LOG = LoggerFactory.getLogger(SensorStreamingJob.class);
    /** Archive replays need old event times; how far ahead sensors' clocks may run is {@code --max-future-skew}. */
    static final Duration MAX_PAST = Duration.ofDays(400);

    /** Opens the raw-record stream (columns as {@link io.sensorpipe.processing.RawRecord}: data, shardId, ...). */
    @FunctionalInterface
    public interface RecordSource {
        Dataset<Row> open(SparkSession spark);
    }

    private final JobConfig config;
    private final RecordSource source;
    private final WindowResultSink results;
    private final DeadLetterSink deadLetters;
    private java.util.function.BiFunction<SparkSession, Duration, KeyValueGroupedDataset<String, SensorState>>
            initialState;
    /** The checkpoint's recorded query start times, this start's included ({@link CheckpointWindow#recordRunStart}). */
    private RunStarts runStarts = RunStarts.none();

    public SensorStreamingJob(JobConfig config, RecordSource source, WindowResultSink results,
                              DeadLetterSink deadLetters) {
        this.config = config;
        this.source = source;
        this.results = results;
        this.deadLetters = deadLetters;
    }

    /**
     * The production wiring: the configured Kinesis source, results to the DynamoDB table, dead letters to S3 (or a
     * directory); with {@code --create-resources} the table and bucket are created first (local runs).
     */
    public static SensorStreamingJob kinesisToDynamoDb(JobConfig config, JobAwsClients aws) {
        if (config.createResources()) {
            DynamoTables.createIfMissing(aws.dynamo(), Tables.RESULTS, config.table());
            if (config.deadLetterBucket() != null) {
                try {
                    aws.s3().createBucket(b -> b.bucket(config.deadLetterBucket()));
                } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException ignored) {
                    // already there
                }
            }
        }
        String jobTag = Integer.toHexString(config.checkpoint().hashCode());
        DeadLetterSink deadLetters = config.deadLetterBucket() != null
                ? DeadLetterWriter.toS3(JobAwsClients::sharedS3, config.deadLetterBucket(), config.deadLetterPrefix(),
                        jobTag)
                : DeadLetterWriter.toDirectory(config.deadLetterDir(), jobTag);
        WindowResultSink results = new DynamoDbResultSink(JobAwsClients::sharedDynamo, config.table(),
                Duration.ofDays(config.ttlDays()));
        return new SensorStreamingJob(config, spark -> kinesisSource(spark, config), results, deadLetters);
    }

    public static SparkSession session(JobConfig config) {
        SparkConf conf = new SparkConf();
        SparkSession.Builder b = SparkSession.builder().appName("sensorpipe-streaming")
                .config("spark.sql.shuffle.partitions", Integer.toString(config.shufflePartitions()))
                .config("spark.sql.streaming.stateStore.providerClass",
                        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
                .config("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true")
                .config(UI_EXPLAIN_MODE, UI_EXPLAIN_SIMPLE);
        if (!conf.contains("spark.master")) { // spark-submit sets it; only local runs get the default
            b.master(config.master());
            b.config("spark.ui.enabled", "false");
        }
        if (isLocalPath(config.checkpoint(), conf.get("spark.master", config.master()))) {
            b.config(LOCAL_CHECKPOINT_FILES, LOCAL_CHECKPOINT_FILE_MANAGER);
        }
        return b.getOrCreate();
    }

    /** How Spark describes each execution's plan in its listener events (the SQL tab). */
    public static final String UI_EXPLAIN_MODE = "spark.sql.ui.explainMode";
    /**
     * The tree only: Spark builds this description on the driver for every micro-batch and for the sink's action,
     * even with the UI off; the default ({@code formatted}) lists every operator's expressions in full: 16 % of the
     * driver's stream thread in a JFR profile of {@code scripts/bench stream}.
     */
    public static final String UI_EXPLAIN_SIMPLE = "simple";

    /** Spark's (internal) setting naming how checkpoint and state files are written. */
    public static final String LOCAL_CHECKPOINT_FILES = "spark.sql.streaming.checkpointFileManagerClass";
    /**
     * Writes checkpoint files through Hadoop's {@code FileSystem}. Spark's default renames each written file with
     * Hadoop's local {@code FileContext}, which runs {@code readlink} as 4 child processes per rename (no native
     * Hadoop library): offsets, commits and every state partition's changelog, each batch (about a third of a local
     * batch's time in {@code scripts/bench stream}). A local rename is atomic either way. Used for local checkpoints
     * only; HDFS keeps Spark's default (its {@code FileContext} rename is the atomic one).
     */
    public static final String LOCAL_CHECKPOINT_FILE_MANAGER =
            "org.apache.spark.sql.execution.streaming.FileSystemBasedCheckpointFileManager";

    /** Whether {@code checkpoint} is on the local file system ({@code file:}, or no scheme with a local master). */
    static boolean isLocalPath(String checkpoint, String master) {
        String scheme = new org.apache.hadoop.fs.Path(checkpoint).toUri().getScheme();
        return "file".equals(scheme) || (scheme == null && master != null && master.startsWith("local"));
    }

    public ScorerConfig scorerConfig() {
        return scorerConfig(config);
    }

    private static ScorerConfig scorerConfig(JobConfig config) {
        return ScorerConfig.defaults().toBuilder().warmupWindows(config.warmupWindows()).build();
    }

    /**
     * Warm start: the sensors' first state rows (e.g. {@link ArchiveWarmStart}) for the query's window size, built
     * when the query starts; Spark applies them only to a new checkpoint (a first batch finished with an earlier size
     * gets rows of that size, see {@link #start}).
     */
    public SensorStreamingJob withInitialState(
            java.util.function.BiFunction<SparkSession, Duration, KeyValueGroupedDataset<String, SensorState>>
                    initialState) {
        this.initialState = initialState;
        return this;
    }

    /**
     * Starts the query; the caller waits on it. A batch a stopped run left unfinished under other settings (window
     * size, watermark, idle timeout, future skew, warm-up) is first finished with them ({@link CheckpointWindow});
     * should that fail, the failed query is returned.
     */
    public StreamingQuery start(SparkSession spark, JobMetricsPublisher metrics) throws TimeoutException {
        try {
            CheckpointWindow checkpoint = CheckpointWindow.of(spark.sparkContext().hadoopConfiguration(),
                    config.checkpoint());
            if (JobConfig.AWS_KINESIS.equals(config.source()) && checkpoint.writtenByOurSource()) {
                // the other way round, our source refuses the connector's offsets itself (KinesisOffset.fromJson)
                throw new IllegalArgumentException("checkpoint " + config.checkpoint() + " was written by the "
                        + KinesisSourceProvider.SHORT_NAME + " source, which " + JobOptions.SOURCE + " "
                        + JobConfig.AWS_KINESIS + " cannot read: restart with " + JobOptions.SOURCE + " "
                        + KinesisSourceProvider.SHORT_NAME + ", or start a new " + JobOptions.CHECKPOINT);
            }
            runStarts = checkpoint.recordRunStart(System.currentTimeMillis());
            Integer partitions = checkpoint.shufflePartitions();
            if (partitions != null && partitions != config.shufflePartitions()) {
                // Spark keeps the checkpoint's value without a word: say so, or a scale-out would look applied
                LOG.warn("{} {} is not applied: this checkpoint's state is split into {} partitions, fixed by its "
                        + "first run; pass {} to say so, or start a new {} to change it (its state starts empty)",
                        JobOptions.SHUFFLE_PARTITIONS, config.shufflePartitions(), partitions, partitions,
                        JobOptions.CHECKPOINT);
            }
            long unfinished = checkpoint.unfinishedBatch();
            JobConfig planned = config.asPlanned(checkpoint.recorded(), checkpoint.recordedSettings());
            if (unfinished >= 0 && !planned.equals(config)) {
                if (JobConfig.AWS_KINESIS.equals(config.source())) {
                    // AWS's connector cannot be drained: a stop after the batch could cut the next one, and so on
                    LOG.warn("batch {} was planned with other settings and did not finish; {} re-runs it with the "
                            + "new ones ({}): it may write other results than the stopped run did", unfinished,
                            config.source(), planned.settingsChangedTo(config));
                } else {
                    StreamingQuery failed = finish(spark, metrics, unfinished, planned);
                    if (failed != null) {
                        return failed;
                    }
                }
            }
            checkpoint.record(config.windowSize());
            checkpoint.record(CheckpointWindow.Settings.of(config));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read or write the checkpoint " + config.checkpoint() + " ("
                    + e + "): check its location and the job's permissions on it", e);
        }
        return startQuery(spark, metrics, config);
    }

    /**
     * Runs the unfinished {@code batch} with the settings it was planned with ({@code planned}: window size, watermark,
     * idle timeout, future skew, warm-up), reading nothing after it (the source drains, as for a graceful stop), and
     * stops once it has committed; null, or the query when it failed.
     */
    private StreamingQuery finish(SparkSession spark, JobMetricsPublisher metrics, long batch, JobConfig planned)
            throws TimeoutException {
        String changes = planned.settingsChangedTo(config);
        LOG.warn("batch {} was planned with other settings and did not finish: finishing it with them before {} "
                + "apply (re-run with the new ones, it could write other results than the stopped run did, e.g. "
                + "windows overlapping the ones it wrote)", batch, changes);
        SourceDrain.request(config.checkpoint());
        try {
            StreamingQuery query = startQuery(spark, metrics, planned);
            boolean failed = false;
            try {
                while (query.isActive() && !StopMarkerWatcher.betweenBatches(query, batch, true)) {
                    Thread.sleep(20);
                }
                if (!query.isActive() && query.exception().isDefined()) {
                    failed = true;
                    return query; // the caller reports its failure (and detaches the listener)
                }
                // the listener bus delivers the last progress later: stopping first would drop its counts
                long last = query.lastProgress() == null ? -1 : query.lastProgress().batchId();
                for (int i = 0; i < 500 && metrics.lastBatchId() < last; i++) {
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while finishing batch " + batch, e);
            } finally {
                if (!failed) {
                    stop(spark, query, metrics);
                }
            }
            LOG.info("batch {} finished as planned; starting with {}", batch, changes);
            return null;
        } finally {
            SourceDrain.clear(config.checkpoint());
        }
    }

    private StreamingQuery startQuery(SparkSession spark, JobMetricsPublisher metrics, JobConfig config)
            throws TimeoutException {
        Dataset<JobOutput> out = WindowingPipeline.build(source.open(spark), config.windowSize(),
                config.watermarkDelay(), scorerConfig(config), config.idleTimeout(), MAX_PAST, config.maxFutureSkew(),
                initialState == null ? null : initialState.apply(spark, config.windowSize()),
                ModelStore.files(spark, ModelStore.dirFor(config.checkpoint())), runStarts);
        BatchSink sink = new BatchSink(results, deadLetters, metrics);
        spark.streams().addListener(metrics);
        LOG.info("starting: stream={} source={} table={} window={} watermark={} trigger={} checkpoint={}",
                config.stream(), config.source(), config.table(), config.windowSize(), config.watermarkDelay(),
                config.triggerInterval(), config.checkpoint());
        StreamingQuery query = out.writeStream()
                .queryName("sensorpipe-" + config.stream())
                .option("checkpointLocation", config.checkpoint())
                .trigger(Trigger.ProcessingTime(config.triggerInterval().toMillis()))
                .foreachBatch(sink)
                .start();
        metrics.watch(query.runId());
        return query;
    }

    /** Stops the query and detaches its metrics listener. */
    public static void stop(SparkSession spark, StreamingQuery query, JobMetricsPublisher metrics) throws TimeoutException {
        try {
            query.stop();
        } finally {
            spark.streams().removeListener(metrics);
        }
    }

    /** The configured Kinesis source ({@code --source}). */
    static Dataset<Row> kinesisSource(SparkSession spark, JobConfig config) {
        DataStreamReader r = spark.readStream().format(config.source());
        if (JobConfig.AWS_KINESIS.equals(config.source())) {
            // AWS's connector (EMR 7.1+) takes its endpoint as an option: pass the SDK's standard variable on.
            r = r.option("kinesis.streamName", config.stream())
                    .option("kinesis.consumerType", "GetRecords")
                    .option("kinesis.startingposition", config.initialPosition());
            String endpoint = System.getenv("AWS_ENDPOINT_URL_KINESIS");
            if (endpoint != null) {
                r = r.option("kinesis.endpointUrl", endpoint);
            }
            String region = System.getenv("AWS_REGION");
            if (region != null) {
                r = r.option("kinesis.region", region);
            }
            return r.load();
        }
        return r.option(KinesisSourceOptions.STREAM_NAME, config.stream())
                .option(KinesisSourceOptions.INITIAL_POSITION, config.initialPosition())
                .option(KinesisSourceOptions.AT_TIMESTAMP_MILLIS, config.atTimestampMillis())
                .option(KinesisSourceOptions.MAX_RECORDS_PER_SHARD, config.maxRecordsPerShard())
                // the source aligns shards in event time within the job's watermark delay (see emr-streaming README)
                .option(KinesisSourceOptions.WATERMARK_DELAY_MS, config.watermarkDelay().toMillis())
                .option(KinesisSourceOptions.MAX_FUTURE_SKEW_MS, config.maxFutureSkew().toMillis())
                .option(KinesisSourceOptions.FAIL_ON_DATA_LOSS, config.failOnDataLoss())
                .load();
    }

    /**
     * {@link #awaitFor}, with the query's failure as its message (its cause's: the job's own one-line errors), or null
     * when it ended well. Here, not in the main class, which the CDK tests load without Spark.
     */
    public static String awaitOrFailure(StreamingQuery query, Duration duration) throws TimeoutException {
        try {
            awaitFor(query, duration);
            return null;
        } catch (StreamingQueryException e) {
            return failureLine(e);
        }
    }

    private static final java.util.regex.Pattern TASK_FAILURE = java.util.regex.Pattern.compile(
            "Lost task .*?\\): (?:[\\w$]+\\.)*([\\w$]+(?:Exception|Error)): (.*)");

    /**
     * One line for a failed query: the job's own error where one is in the chain (its messages name the fix), else the
     * first one not thrown by Spark (a library's, e.g. the SDK's "Unable to execute HTTP request: Connect to ... ",
     * which names more than its root cause "connect timed out"), else the root cause's. A task's failure reaches the
     * driver as "Job aborted due to stage failure: ... Lost task ...: X: message" followed by the executor's stack;
     * only X and its message are kept.
     */
    static String failureLine(Throwable failure) {
        Throwable ours = null;
        Throwable library = null;
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String thrower = t.getStackTrace().length == 0 ? "" : t.getStackTrace()[0].getClassName();
            if (ours == null && thrower.startsWith("io.sensorpipe.")) {
                ours = t;
            }
            if (library == null && !thrower.isEmpty() && !thrower.startsWith("org.apache.spark.")
                    && !thrower.startsWith("scala.")) {
                library = t;
            }
            root = t;
        }
        Throwable chosen = ours != null ? ours : library != null ? library : root;
        String message = chosen.getMessage() == null || chosen.getMessage().isBlank()
                ? chosen.getClass().getName() : chosen.getMessage().strip();
        String first = message.lines().findFirst().orElse(message);
        java.util.regex.Matcher task = TASK_FAILURE.matcher(first);
        return task.find() ? task.group(1) + ": " + task.group(2) : first;
    }

    /** Runs until {@code duration} passed (zero: until the query stops or fails). */
    public static void awaitFor(StreamingQuery query, Duration duration) throws StreamingQueryException, TimeoutException {
        if (duration.isZero()) {
            query.awaitTermination();
            return;
        }
        if (!query.awaitTermination(duration.toMillis())) {
            try {
                query.stop();
            } catch (RuntimeException e) {
                LOG.warn("stopping the query after {}: {}", duration, e.toString());
            }
        }
    }

}
