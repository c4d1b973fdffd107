package io.sensorpipe.job;

import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.kinesis.KinesisApi;
import io.sensorpipe.kinesis.KinesisClients;
import io.sensorpipe.kinesis.KinesisSourceProvider;
import io.sensorpipe.kinesis.SdkKinesisApi;
import io.sensorpipe.score.ScorerConfig;
import io.sensorpipe.metrics.JobMetricsPublisher;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the streaming job, locally ({@code scripts/stream-job}) and on EMR ({@code spark-submit}). */
@Command(name = "stream-job", mixinStandardHelpOptions = true,
        description = "Kinesis → parse/dead letters → event-time windows + anomaly scores → DynamoDB (Spark).")
public final class StreamingJobMain implements Callable<Integer> {
    @Option(names = JobOptions.STREAM, required = true, description = "Kinesis stream name")
    String stream;
    @Option(names = JobOptions.TABLE, defaultValue = ResultItem.DEFAULT_TABLE, description = "DynamoDB results table (${DEFAULT-VALUE})")
    String table;
    @Option(names = JobOptions.CHECKPOINT, required = true, description = "Spark checkpoint location (local path or s3://)")
    String checkpoint;
    @Option(names = JobOptions.DEAD_LETTER_BUCKET, description = "S3 bucket for dead letters")
    String deadLetterBucket;
    @Option(names = JobOptions.DEAD_LETTER_PREFIX, defaultValue = "dead-letters/", description = "key prefix (${DEFAULT-VALUE})")
    String deadLetterPrefix;
    @Option(names = JobOptions.DEAD_LETTER_DIR, description = "local directory for dead letters instead of S3")
    Path deadLetterDir;
    @Option(names = JobOptions.WINDOW, defaultValue = "60s", description = "tumbling window size (${DEFAULT-VALUE})")
    String window;
    @Option(names = JobOptions.WATERMARK, defaultValue = JobOptions.DEFAULT_WATERMARK, description = "allowed lateness (${DEFAULT-VALUE})")
    String watermark;
    @Option(names = JobOptions.TRIGGER, defaultValue = "5s", description = "micro-batch interval (${DEFAULT-VALUE})")
    String trigger;
    @Option(names = JobOptions.IDLE_TIMEOUT, defaultValue = "1h", description = "forget sensors silent this long (${DEFAULT-VALUE})")
    String idleTimeout;
    @Option(names = JobOptions.SOURCE, defaultValue = KinesisSourceProvider.SHORT_NAME,
            description = "sensorpipe-kinesis (SDK v2, default) or aws-kinesis (AWS's connector on EMR 7.1+)")
    String source;
    @Option(names = JobOptions.INITIAL_POSITION, defaultValue = "TRIM_HORIZON", description = "TRIM_HORIZON, LATEST or AT_TIMESTAMP")
    String initialPosition;
    @Option(names = JobOptions.AT_TIMESTAMP, defaultValue = "0", description = "epoch ms, with AT_TIMESTAMP")
    long atTimestamp;
    @Option(names = JobOptions.MAX_RECORDS_PER_SHARD, defaultValue = "10000", description = "per shard per batch (${DEFAULT-VALUE})")
    int maxRecordsPerShard;
    @Option(names = JobOptions.SHUFFLE_PARTITIONS, defaultValue = "4", description = "state partitions; fixed by the first run of a checkpoint")
    int shufflePartitions;
    @Option(names = JobOptions.TTL_DAYS, defaultValue = "" + ResultItem.DEFAULT_TTL_DAYS, description = "DynamoDB item TTL after window end (${DEFAULT-VALUE})")
    int ttlDays;
    @Option(names = JobOptions.WARMUP_WINDOWS,
            description = "windows before a sensor's model may flag, as set for windows of 5 min or less (default: the"
                    + " benchmarked scorer's); shorter for coarser windows, see ScorerConfig.warmupWindows(long)")
    Integer warmupWindows;
    @Option(names = JobOptions.METRICS_FILE, description = "JSON file with cumulative counters, replaced every batch")
    Path metricsFile;
    @Option(names = JobOptions.CLOUDWATCH_NAMESPACE, description = "publish per-batch metrics to CloudWatch under this namespace")
    String cloudWatchNamespace;
    @Option(names = JobOptions.DURATION, defaultValue = "0s", description = "stop after this long (0: run until killed)")
    String duration;
    @Option(names = JobOptions.MASTER, defaultValue = "local[2]", description = "Spark master when spark-submit sets none")
    String master;
    @Option(names = JobOptions.MAX_FUTURE_SKEW, defaultValue = "60s",
            description = "newest accepted event time ahead of the clock; later readings are dead-lettered (${DEFAULT-VALUE})")
    String maxFutureSkew;
    @Option(names = JobOptions.FAIL_ON_DATA_LOSS, defaultValue = "true", arity = "1",
            description = "a source position behind the stream's retention, or a checkpoint of another stream (or "
                    + "of one deleted and created again), fails the query (true, default) or is skipped from the trim "
                    + "horizon, counted (DataLossEvents) and dead-lettered as DATA_LOSS (false)")
    boolean failOnDataLoss;
    @Option(names = JobOptions.CREATE_RESOURCES, description = "create the table and bucket when missing (local runs)")
    boolean createResources;
    @Option(names = JobOptions.WARM_START_ARCHIVE,
            description = "on a new checkpoint, train every sensor's model on the raw archive (s3://bucket/raw/,"
                    + " Firehose layout) before the stream's start (TRIM_HORIZON: the stream's retention)")
    String warmStartArchive;
    @Option(names = JobOptions.WARM_START_HISTORY, defaultValue = "2d",
            description = "event time before the stream's start that the warm start learns (${DEFAULT-VALUE})")
    String warmStartHistory;

    JobConfig toConfig() {
        return new JobConfig(stream, table, checkpoint, deadLetterBucket, deadLetterPrefix, deadLetterDir,
                JobConfig.parseDuration("--window", window), JobConfig.parseDuration("--watermark", watermark),
                JobConfig.parseDuration("--trigger", trigger), JobConfig.parseDuration("--idle-timeout", idleTimeout),
                source, initialPosition, atTimestamp, maxRecordsPerShard, shufflePartitions, ttlDays,
                warmupWindows == null ? ScorerConfig.defaults().warmupWindows() : warmupWindows,
                metricsFile, cloudWatchNamespace, JobConfig.parseDuration("--duration", duration), master,
                createResources, JobConfig.parseDuration("--max-future-skew", maxFutureSkew), failOnDataLoss);
    }

    @Override
    public Integer call() throws Exception {
        JobConfig config;
        try {
            config = toConfig();
        } catch (IllegalArgumentException e) {
            error("invalid configuration: " + e.getMessage());
            return 2;
        }
        String master = System.getProperty("spark.master", config.master()); // spark-submit's wins, as in the session
        for (String[] dir : new String[][] {
                {JobOptions.CHECKPOINT, SensorStreamingJob.isLocalPath(config.checkpoint(), master) ? config.checkpoint() : null},
                {JobOptions.DEAD_LETTER_DIR, config.deadLetterDir() == null ? null : config.deadLetterDir().toString()}}) {
            String problem = dir[1] == null ? null : unwritableDirectory(dir[0], dir[1]);
            if (problem != null) {
                error("invalid configuration: " + problem);
                return 2;
            }
        }
        JobAwsClients aws;
        try {
            // building a client resolves the region and the endpoint variables: a missing or malformed one fails here
            aws = new JobAwsClients();
            KinesisClients.shared();
        } catch (RuntimeException e) {
            String line = JobPreflight.oneLine(e);
            if (line == null) {
                throw e;
            }
            error("stream-job: " + line);
            return 1;
        }
        try (aws) {
            JobPreflight.Checked preflight = JobPreflight.check(config, KinesisClients.shared(), aws.dynamo());
            if (preflight.problem() != null) {
                error("stream-job: " + preflight.problem());
                return 1;
            }
            SparkSession spark = SensorStreamingJob.session(config);
            JobMetricsPublisher metrics = new JobMetricsPublisher(config.metricsFile(),
                    config.cloudWatchNamespace() == null ? null : aws.cloudWatch(), config.cloudWatchNamespace(),
                    config.stream());
            SensorStreamingJob job = SensorStreamingJob.kinesisToDynamoDb(config, aws);
            String rewrites = JobPreflight.rewritesResults(config, !ArchiveWarmStart.hasCommittedBatches(
                    spark.sparkContext().hadoopConfiguration(), config.checkpoint()), warmStartArchive != null,
                    preflight.tableItems());
            if (rewrites != null) {
                System.err.println("stream-job: warning: " + rewrites); // not an error: the job goes on
            }
            if (warmStartArchive != null) {
                java.time.Instant cut;
                Duration history;
                try {
                    cut = warmStartCut(config, java.time.Instant.now(),
                            () -> new SdkKinesisApi(KinesisClients.shared(), 0).retention(config.stream()));
                    history = JobConfig.parseDuration(JobOptions.WARM_START_HISTORY, warmStartHistory);
                    ArchiveWarmStart.parse(warmStartArchive);
                } catch (IllegalArgumentException e) {
                    error("invalid configuration: " + e.getMessage());
                    return 2;
                }
                ArchiveWarmStart.attach(job, spark, aws, config, warmStartArchive, cut, history);
            }
            long startedAt = System.currentTimeMillis(); // start may first finish a batch: a stop asked meanwhile counts
            StreamingQuery query;
            try {
                query = job.start(spark, metrics);
            } catch (IllegalArgumentException e) {
                error("stream-job: " + e.getMessage());
                spark.stop();
                return 2;
            }
            String failure;
            try (StopMarkerWatcher ignored = StopMarkerWatcher.start(spark, query, config.checkpoint(), java.time.Duration.ofSeconds(5),
                    !JobConfig.AWS_KINESIS.equals(config.source()), startedAt)) {
                failure = SensorStreamingJob.awaitOrFailure(query, config.duration());
            }
            if (failure != null) {
                // Spark logged the trace; the last line says what is wrong (the job's own messages name the fix)
                error("stream-job failed: " + failure);
                spark.stop();
                return 1;
            }
            System.out.println("stream-job summary: " + metrics.snapshot());
            spark.stop();
        }
        return 0;
    }

    // No Spark type in this class's signatures (lambdas included): the CDK test loads it with picocli, without Spark.

    /**
     * Where the stream takes over from the archive: the stream's start position. From the trim horizon that is the
     * oldest time the stream still holds (now − retention, or the stream's creation if later): the archive teaches
     * the model what the stream no longer has, and the stream's retained readings are scored, not learnt twice (a
     * stream reading of a window before the cut is dead-lettered LATE, see {@link ArchiveWarmStart}).
     */
    static java.time.Instant warmStartCut(JobConfig config, java.time.Instant now,
                                          java.util.function.Supplier<KinesisApi.Retention> retention) {
        return switch (config.initialPosition()) {
            case "AT_TIMESTAMP" -> java.time.Instant.ofEpochMilli(config.atTimestampMillis());
            case "LATEST" -> now;
            case "TRIM_HORIZON" -> trimHorizon(retention.get(), now);
            default -> throw new IllegalArgumentException(JobOptions.WARM_START_ARCHIVE + " needs "
                    + JobOptions.INITIAL_POSITION + " TRIM_HORIZON, LATEST or AT_TIMESTAMP, got "
                    + config.initialPosition());
        };
    }

    /** The oldest event the stream can still return: records older than its retention are gone. */
    static java.time.Instant trimHorizon(KinesisApi.Retention retention, java.time.Instant now) {
        return java.time.Instant.ofEpochMilli(Math.max(now.toEpochMilli() - retention.retentionMillis(),
                retention.createdAtMillis()));
    }

    /**
     * Why a local directory the job writes (its checkpoint, its dead letters) cannot be used, or null. Said in one line
     * now: Spark would fail on it later, after its start-up, with a trace.
     */
    static String unwritableDirectory(String flag, String dir) {
        java.nio.file.Path path;
        try {
            path = dir.startsWith("file:") ? java.nio.file.Path.of(java.net.URI.create(dir)) : java.nio.file.Path.of(dir);
        } catch (RuntimeException unusualForm) {
            return null; // a file: URI Java does not read (a space, a host, relative): Hadoop's to judge
        }
        try {
            java.nio.file.Files.createDirectories(path);
            return java.nio.file.Files.isWritable(path) ? null : flag + " " + dir + " is not writable";
        } catch (java.io.IOException | RuntimeException e) {
            return flag + " " + dir + " cannot be created (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "): pass a writable directory";
        }
    }

    /** The last error line printed: in YARN cluster mode it becomes the application's diagnostics. */
    private String lastError;

    private void error(String line) {
        lastError = line;
        System.err.println(line);
    }

    /**
     * An exception out of {@link #call} (one the job does not turn into a line itself): its trace as picocli would
     * print it, then the one line, which is also what YARN's diagnostics show in cluster mode (else only "exited 1").
     */
    static int unexpectedFailure(StreamingJobMain job, Exception failure) {
        failure.printStackTrace();
        job.error("stream-job failed: " + SensorStreamingJob.failureLine(failure));
        return 1;
    }

    /** The last error line printed, or null. */
    String lastError() {
        return lastError;
    }

    public static void main(String[] args) {
        StreamingJobMain job = new StreamingJobMain();
        int code = new CommandLine(job)
                .setExecutionExceptionHandler((failure, cli, parsed) -> unexpectedFailure(job, failure))
                .execute(args);
        if (code != 0) {
            if ("cluster".equals(System.getProperty("spark.submit.deployMode"))) {
                // EMR's step: the driver runs inside YARN's application master, where System.exit leaves only
                // "Shutdown hook called before final status was reported"; a thrown exception is reported as the
                // application's diagnostics ("User class threw exception: ..."), which spark-submit's output shows
                throw new JobFailedException(job.lastError == null ? "stream-job exited " + code : job.lastError);
            }
            System.exit(code);
        }
    }

    /** The job's one-line failure, thrown out of main in YARN cluster mode (see main). */
    static final class JobFailedException extends RuntimeException {
        JobFailedException(String line) {
            super(line, null, false, false); // the line is the news; no stack trace
        }
    }
}
