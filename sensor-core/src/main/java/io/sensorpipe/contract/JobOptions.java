package io.sensorpipe.contract;

/**
 * The streaming job's command-line flags: the one home of their spelling, used by the job's own parser
 * ({@code StreamingJobMain}), the CDK step/job-run arguments, the local pipeline ({@code cli}) and the scripts.
 * A CDK test parses the synthesized step's arguments with the job's parser, so a renamed flag fails a test.
 */
public final class JobOptions {
    public static final String STREAM = "--stream";
    public static final String TABLE = "--table";
    public static final String CHECKPOINT = "--checkpoint";
    public static final String DEAD_LETTER_BUCKET = "--dead-letter-bucket";
    public static final String DEAD_LETTER_PREFIX = "--dead-letter-prefix";
    public static final String DEAD_LETTER_DIR = "--dead-letter-dir";
    public static final String WINDOW = "--window";
    public static final String WATERMARK = "--watermark";
    /** The job's {@link #WATERMARK} when none is given; the producer bounds its history's disorder by it. */
    public static final String DEFAULT_WATERMARK = "30s";

    /**
     * How far out of event-time order a producer writing faster than real time may let readings reach a shard, for
     * a job with {@code watermark}: a quarter of it, the rest left for the readings' own jitter.
     */
    public static java.time.Duration producerDisorderWithin(java.time.Duration watermark) {
        return watermark.dividedBy(4);
    }
    public static final String TRIGGER = "--trigger";
    public static final String IDLE_TIMEOUT = "--idle-timeout";
    public static final String SOURCE = "--source";
    public static final String INITIAL_POSITION = "--initial-position";
    public static final String AT_TIMESTAMP = "--at-timestamp";
    public static final String MAX_RECORDS_PER_SHARD = "--max-records-per-shard";
    public static final String SHUFFLE_PARTITIONS = "--shuffle-partitions";
    public static final String TTL_DAYS = "--ttl-days";
    public static final String WARMUP_WINDOWS = "--warmup-windows";
    public static final String METRICS_FILE = "--metrics-file";
    public static final String CLOUDWATCH_NAMESPACE = "--cloudwatch-namespace";
    public static final String DURATION = "--duration";
    public static final String MASTER = "--master";
    public static final String MAX_FUTURE_SKEW = "--max-future-skew";
    public static final String CREATE_RESOURCES = "--create-resources";
    /** true (default): a position behind the stream's retention fails the query; false: dead-letter DATA_LOSS, go on. */
    public static final String FAIL_ON_DATA_LOSS = "--fail-on-data-loss";
    /** How a deployed job's operator gives {@link #FAIL_ON_DATA_LOSS} false to one run (scripts/job, the supervisor). */
    public static final String ACCEPT_DATA_LOSS_DEPLOYED = "a deployed job: scripts/job restart --accept-data-loss";
    /** s3://bucket/prefix/ of the raw archive (Firehose layout): on a new checkpoint, models learn from it first. */
    public static final String WARM_START_ARCHIVE = "--warm-start-archive";
    /** How much event time before the stream's start the warm start learns (a duration, e.g. 2d). */
    public static final String WARM_START_HISTORY = "--warm-start-history";

    /** Main class of the job's shaded jar (spark-submit --class). */
    public static final String MAIN_CLASS = "io.sensorpipe.job.StreamingJobMain";

    private JobOptions() {
    }
}
