package io.sensorpipe.job;

import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.metrics.JobMetricsPublisher;
import io.sensorpipe.processing.ArchiveWindowing;
import io.sensorpipe.processing.JobOutput;
import io.sensorpipe.score.ScorerConfig;
import io.sensorpipe.sink.DeadLetterWriter;
import io.sensorpipe.sink.DynamoDbResultSink;
import io.sensorpipe.aws.DynamoTables;
import io.sensorpipe.contract.Tables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Batch reprocessing of archived raw readings (Firehose layout {@code raw/year=YYYY/month=MM/day=DD/hour=HH/*.gz},
 * GZIP JSON lines) with the streaming job's parser, windows, scorer and sinks: the same readings give the same
 * DynamoDB items (except {@code processedAt} and the TTL counted from it) as a job that started at the archive's
 * beginning; its models start afresh, so in a live job's table it replaces those windows' items with the verdicts of
 * models in their warm-up (it says so at start). A sensor's readings of the input are held by one task, in
 * event-time order, and its windows are closed as they complete: a month of one sensor's 10 s readings in 60 s
 * windows ran in a 160 MB heap (it needed more than 400 MB while every window was held to the end). Duplicate readings in the archive (sensorId, ts) are windowed once and dead-lettered
 * as {@code DUPLICATE}.
 */
@CommandLine.Command(name = "reprocess-archive", mixinStandardHelpOptions = true,
        description = "Re-window and re-score archived raw readings into the results table.")
public final class ArchiveReprocessMain implements Callable<Integer> {
    @Option(names = "--input", required = true, description = "archive path or glob, e.g. s3://bucket/raw/year=2026/month=11/*/*/*.gz")
    String input;
    @Option(names = JobOptions.TABLE, defaultValue = ResultItem.DEFAULT_TABLE)
    String table;
    @Option(names = "--dead-letter-bucket")
    String deadLetterBucket;
    @Option(names = "--dead-letter-prefix", defaultValue = "dead-letters/reprocess/")
    String deadLetterPrefix;
    @Option(names = "--dead-letter-dir")
    Path deadLetterDir;
    @Option(names = "--window", defaultValue = "60s")
    String window;
    @Option(names = "--warmup-windows", description = "windows before a sensor's model may flag, as set for windows of 5 min"
            + " or less (default: the scorer's); shorter for coarser windows, see ScorerConfig.warmupWindows(long)")
    Integer warmupWindows;
    @Option(names = JobOptions.TTL_DAYS, defaultValue = "" + ResultItem.DEFAULT_TTL_DAYS)
    int ttlDays;
    @Option(names = "--master", defaultValue = "local[2]")
    String master;
    @Option(names = "--create-resources")
    boolean createResources;

    @Override
    public Integer call() throws Exception {
        if ((deadLetterBucket == null) == (deadLetterDir == null)) {
            System.err.println("invalid configuration: --dead-letter-bucket or --dead-letter-dir is required (exactly one)");
            return 2;
        }
        Duration windowSize;
        try {
            windowSize = JobConfig.parseDuration("--window", window);
        } catch (IllegalArgumentException e) {
            System.err.println("invalid configuration: " + e.getMessage());
            return 2;
        }
        ScorerConfig scorer = warmupWindows == null ? ScorerConfig.defaults()
                : ScorerConfig.defaults().toBuilder().warmupWindows(warmupWindows).build();
        // Its models start afresh (the live job's are in its checkpoint): said before anything is written
        System.err.println("reprocess: every sensor's model starts afresh here, quiet for its first "
                + scorer.warmupWindows(windowSize.toMillis()) + " windows, and each window's item in table " + table + " is replaced: "
                + "the live job's anomalies of the same windows among them; to compare, pass " + JobOptions.TABLE
                + " <another table> (with --create-resources)");
        SparkSession.Builder b = SparkSession.builder().appName("sensorpipe-reprocess");
        if (!new org.apache.spark.SparkConf().contains("spark.master")) {
            b.master(master).config("spark.ui.enabled", "false");
        }
        SparkSession spark = b.getOrCreate();
        try (JobAwsClients aws = new JobAwsClients()) {
            if (createResources) {
                DynamoTables.createIfMissing(aws.dynamo(), Tables.RESULTS, table);
            }
            Dataset<Row> raw = spark.read().text(input)
                    .filter(functions.length(functions.trim(functions.col("value"))).gt(0))
                    .select(functions.col("value").cast("binary").as("data"),
                            functions.lit("archive").as("streamName"),
                            functions.input_file_name().as("shardId"));
            Dataset<JobOutput> out = ArchiveWindowing.build(raw, windowSize, scorer, System.currentTimeMillis());
            DeadLetterWriter deadLetters = deadLetterBucket != null
                    ? DeadLetterWriter.toS3(JobAwsClients::sharedS3, deadLetterBucket, deadLetterPrefix, jobTag(input))
                    : DeadLetterWriter.toDirectory(deadLetterDir, jobTag(input));
            JobMetricsPublisher metrics = new JobMetricsPublisher(null, null, null, "archive");
            new BatchSink(new DynamoDbResultSink(JobAwsClients::sharedDynamo, table,
                    Duration.ofDays(ttlDays)), deadLetters, metrics).call(out, 0L);
            System.out.println("reprocess summary: " + metrics.pendingSummary());
        } finally {
            spark.stop();
        }
        return 0;
    }

    /**
     * Dead-letter job tag of one reprocessing input: the same input (a re-run) overwrites its own dead letters,
     * another input (the next hour) gets its own objects instead of overwriting the previous one's.
     */
    static String jobTag(String input) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(input.trim().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "reprocess-" + java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    public static void main(String[] args) {
        int code = new CommandLine(new ArchiveReprocessMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
