package io.sensorpipe.producer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.Region;

/**
 * Everything the producer's writers need, typed and validated at start ({@link #validate()} names the bad field).
 * Built by {@link ProducerCommand} from flags and the environment, or by other modules through {@link #builder}.
 *
 * @param streamName            Kinesis stream
 * @param region                AWS region id, e.g. us-east-1
 * @param kplKinesisEndpoint    KPL Kinesis endpoint; empty = real AWS ({@link KplEndpoints})
 * @param kplStsEndpoint        KPL STS endpoint; empty = real AWS
 * @param recordMaxBufferedTime KPL RecordMaxBufferedTime: how long a record may wait to be aggregated/collected
 * @param recordTtl             KPL RecordTtl: after this a record the daemon could not send fails (we then retry)
 * @param rateLimit             KPL RateLimit, percent of the shard limit the daemon allows itself
 * @param maxConnections        KPL MaxConnections
 * @param requestTimeout        KPL RequestTimeout
 * @param aggregationEnabled    KPL aggregation (collection is always on)
 * @param maxOutstandingRecords backpressure bound: records accepted but not yet acknowledged or failed
 * @param maxOutstandingBytes   backpressure bound on their payload bytes
 * @param maxOutstandingEventTime order bound: a record is accepted only while its event time is at most this past
 *                              the oldest record in flight (retries included), so a source read in event-time order
 *                              reaches each shard at most this far out of order; empty = no such bound
 * @param maxRetries            re-submissions of a failed record before it goes to the failure file
 * @param failureFile           where records that failed for good are written with the reason (JSON lines)
 * @param kplLogLevel           native daemon log level (info, warning, error)
 * @param metricsLevel          KPL CloudWatch metrics (none, summary, detailed); none for local clouds
 * @param startupWait           pause after starting the daemon before accepting records: the KPL aggregates only
 *                              once it has the stream's shard map (~1-2 s); records handed over earlier each become
 *                              a Kinesis record of their own
 */
public record ProducerConfig(
        String streamName,
        String region,
        Optional<KplEndpoint> kplKinesisEndpoint,
        Optional<KplEndpoint> kplStsEndpoint,
        Duration recordMaxBufferedTime,
        Duration recordTtl,
        int rateLimit,
        int maxConnections,
        Duration requestTimeout,
        boolean aggregationEnabled,
        int maxOutstandingRecords,
        long maxOutstandingBytes,
        Optional<Duration> maxOutstandingEventTime,
        int maxRetries,
        Path failureFile,
        String kplLogLevel,
        String metricsLevel,
        Duration startupWait) {
    /** Records in flight when nothing else bounds them (the KPL's throughput needs many). */
    public static final int DEFAULT_MAX_OUTSTANDING_RECORDS = 20_000;

    private static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");
    private static final Pattern REGION_ID = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    static final Duration LOCAL_REQUEST_TIMEOUT = Duration.ofSeconds(20);
    private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warning", "error");
    private static final Set<String> METRICS_LEVELS = Set.of("none", "summary", "detailed");

    public ProducerConfig {
        Objects.requireNonNull(kplKinesisEndpoint, "kplKinesisEndpoint");
        Objects.requireNonNull(kplStsEndpoint, "kplStsEndpoint");
        Objects.requireNonNull(maxOutstandingEventTime, "maxOutstandingEventTime");
    }

    /** Builder with production defaults; endpoints from {@code env} (normally {@code System.getenv()}). */
    public static Builder builder(Map<String, String> env) {
        return new Builder(env);
    }

    /** Checks every field and throws a {@link ConfigException} naming the first bad one; returns this. */
    public ProducerConfig validate() {
        if (streamName == null || !STREAM_NAME.matcher(streamName).matches()) {
            throw new ConfigException("stream", "must be 1-128 characters of [a-zA-Z0-9_.-], got '" + streamName + "'");
        }
        if (region == null || region.isBlank()) {
            throw new ConfigException("region", "is not set; pass --region or set AWS_REGION");
        }
        if (!REGION_ID.matcher(region).matches() || !Region.regions().contains(Region.of(region))) {
            throw new ConfigException("region", "'" + region + "' is not a known AWS region (e.g. us-east-1)");
        }
        positive("record-max-buffered-time", recordMaxBufferedTime);
        positive("record-ttl", recordTtl);
        positive("request-timeout", requestTimeout);
        if (rateLimit < 1 || rateLimit > 10_000) {
            throw new ConfigException("kpl-rate-limit", "must be 1..10000 (percent of shard limit), got " + rateLimit);
        }
        if (maxConnections < 1 || maxConnections > 256) {
            throw new ConfigException("max-connections", "must be 1..256, got " + maxConnections);
        }
        if (maxOutstandingRecords < 1) {
            throw new ConfigException("max-outstanding-records", "must be > 0, got " + maxOutstandingRecords);
        }
        if (maxOutstandingBytes < 1024) {
            throw new ConfigException("max-outstanding-bytes", "must be >= 1024, got " + maxOutstandingBytes);
        }
        if (maxOutstandingEventTime.map(Duration::isNegative).orElse(false)) {
            throw new ConfigException("max-disorder", "must be >= 0, got " + maxOutstandingEventTime.get());
        }
        if (maxRetries < 0) {
            throw new ConfigException("max-retries", "must be >= 0, got " + maxRetries);
        }
        if (failureFile == null) {
            throw new ConfigException("failure-file", "is not set");
        }
        if (!LOG_LEVELS.contains(kplLogLevel)) {
            throw new ConfigException("kpl-log-level", "must be one of " + LOG_LEVELS + ", got '" + kplLogLevel + "'");
        }
        if (startupWait == null || startupWait.isNegative()) {
            throw new ConfigException("kpl-startup-wait", "must be zero or positive, got " + startupWait);
        }
        if (!METRICS_LEVELS.contains(metricsLevel)) {
            throw new ConfigException("kpl-metrics-level", "must be one of " + METRICS_LEVELS + ", got '" + metricsLevel + "'");
        }
        return this;
    }

    private static void positive(String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new ConfigException(field, "must be a positive duration, got " + d);
        }
    }

    /** Region from the default places the SDK looks (AWS_REGION, AWS_DEFAULT_REGION); null when none is set. */
    static String regionFrom(Map<String, String> env) {
        String r = env.get("AWS_REGION");
        if (r == null || r.isBlank()) {
            r = env.get("AWS_DEFAULT_REGION");
        }
        return r == null || r.isBlank() ? null : r.trim();
    }

    public static final class Builder {
        private String streamName;
        private String region;
        private Optional<KplEndpoint> kplKinesisEndpoint;
        private Optional<KplEndpoint> kplStsEndpoint;
        private Duration recordMaxBufferedTime = Duration.ofMillis(100);
        private Duration recordTtl = Duration.ofSeconds(30);
        private int rateLimit = 150;
        private int maxConnections = 24;
        private Duration requestTimeout = Duration.ofSeconds(6);
        private boolean aggregationEnabled = true;
        private int maxOutstandingRecords = DEFAULT_MAX_OUTSTANDING_RECORDS;
        private long maxOutstandingBytes = 32L * 1024 * 1024;
        private Optional<Duration> maxOutstandingEventTime = Optional.empty();
        private int maxRetries = 3;
        private Path failureFile = Path.of("producer-failures.jsonl");
        private String kplLogLevel = "warning";
        private String metricsLevel = "none";
        private Duration startupWait = Duration.ofMillis(1500);

        private Builder(Map<String, String> env) {
            this.region = regionFrom(env);
            this.kplKinesisEndpoint = KplEndpoints.kinesis(env);
            this.kplStsEndpoint = KplEndpoints.sts(env);
            // kinesis-mock answers slowly under load, and a request the daemon abandons leaves a dead connection
            // in it (enough of them stop its TLS port), so local endpoints get a patient timeout.
            if (kplKinesisEndpoint.map(e -> !e.verifyCertificate()).orElse(false)) {
                this.requestTimeout = LOCAL_REQUEST_TIMEOUT;
            }
        }

        public Builder streamName(String v) { streamName = v; return this; }
        public Builder region(String v) { if (v != null) { region = v; } return this; }
        public Builder kplKinesisEndpoint(Optional<KplEndpoint> v) { kplKinesisEndpoint = v; return this; }
        public Builder kplStsEndpoint(Optional<KplEndpoint> v) { kplStsEndpoint = v; return this; }
        public Builder recordMaxBufferedTime(Duration v) { recordMaxBufferedTime = v; return this; }
        public Builder recordTtl(Duration v) { recordTtl = v; return this; }
        public Builder rateLimit(int v) { rateLimit = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        public Builder aggregationEnabled(boolean v) { aggregationEnabled = v; return this; }
        public Builder maxOutstandingRecords(int v) { maxOutstandingRecords = v; return this; }
        public Builder maxOutstandingBytes(long v) { maxOutstandingBytes = v; return this; }
        public Builder maxOutstandingEventTime(Duration v) { maxOutstandingEventTime = Optional.ofNullable(v); return this; }
        public Builder maxRetries(int v) { maxRetries = v; return this; }
        public Builder failureFile(Path v) { failureFile = v; return this; }
        public Builder kplLogLevel(String v) { kplLogLevel = v; return this; }
        public Builder metricsLevel(String v) { metricsLevel = v; return this; }
        public Builder startupWait(Duration v) { startupWait = v; return this; }

        /** Builds and validates. */
        public ProducerConfig build() {
            return new ProducerConfig(streamName, region, kplKinesisEndpoint, kplStsEndpoint, recordMaxBufferedTime,
                    recordTtl, rateLimit, maxConnections, requestTimeout, aggregationEnabled, maxOutstandingRecords,
                    maxOutstandingBytes, maxOutstandingEventTime, maxRetries, failureFile, kplLogLevel, metricsLevel, startupWait).validate();
        }
    }
}
