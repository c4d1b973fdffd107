package io.sensorpipe.cdk.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import io.sensorpipe.config.DurationText;
import java.time.Duration;

/**
 * Everything the app reads from CDK context ({@code -c key=value} or {@code cdk.json}), typed and validated once.
 * A bad value fails the synth with a message naming the context key.
 */
public record StackConfig(
        String prefix,
        String region,
        StreamCapacity streamCapacity,
        int shardCount,
        int streamRetentionHours,
        int archiveInfrequentAccessDays,
        int archiveGlacierDays,
        int archiveExpirationDays,
        int firehoseBufferMiB,
        int firehoseBufferSeconds,
        ComputeMode compute,
        String emrRelease,
        String emrPrimaryInstanceType,
        String emrCoreInstanceType,
        int emrCoreInstanceCount,
        int emrMaxInstanceCount,
        String jobTrigger,
        String alertEmail,
        String opsEmail,
        int alertReservedConcurrency,
        int alertCooldownSeconds,
        int alertMemoryMiB,
        boolean snapStart,
        int natGateways,
        boolean retainData,
        String dataSuffix,
        long iteratorAgeAlarmMs,
        long jobLagAlarmMs,
        String metricsNamespace,
        Path lambdaJar,
        Path archiveTransformJar,
        Path emrJar,
        Path supervisorJar,
        int jobMaxRestarts,
        int jobShufflePartitions,
        String jobWarmStartHistory) {

    public static final String DEFAULT_LAMBDA_JAR = "../lambda-alerts/target/lambda-alerts-0.1.0-SNAPSHOT-all.jar";
    public static final String DEFAULT_ARCHIVE_TRANSFORM_JAR = "../firehose-archive/target/firehose-archive-0.1.0-SNAPSHOT-all.jar";
    public static final String DEFAULT_EMR_JAR = "../emr-streaming/target/emr-streaming-0.1.0-SNAPSHOT-all.jar";
    public static final String DEFAULT_SUPERVISOR_JAR = "../job-supervisor/target/job-supervisor-0.1.0-SNAPSHOT-all.jar";

    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9-]{1,19}");

    /** Kinesis capacity mode: on-demand scales itself, provisioned is cheaper for steady small loads. */
    public enum StreamCapacity { ON_DEMAND, PROVISIONED }

    /** Where the Spark job runs. */
    public enum ComputeMode { EMR_EC2, EMR_SERVERLESS }

    /** Reads and validates every key; {@code context} is usually {@code app.getNode()::tryGetContext}. */
    public static StackConfig fromContext(Function<String, Object> context) {
        ContextValues c = new ContextValues(context);
        String prefix = c.string("prefix", "sensorpipe");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("context 'prefix' must match " + PREFIX + " (it names buckets too), got '" + prefix + "'");
        }
        StreamCapacity capacity = c.choice("streamMode", StreamCapacity.class, StreamCapacity.ON_DEMAND);
        int glacier = c.integer("archiveGlacierDays", 90, 1, 3650);
        int ia = c.integer("archiveInfrequentAccessDays", 30, 30, 3650);
        int expiry = c.integer("archiveExpirationDays", 365, 1, 36500);
        if (glacier <= ia) {
            throw new IllegalArgumentException("context 'archiveGlacierDays' (" + glacier + ") must be greater than 'archiveInfrequentAccessDays' (" + ia + ")");
        }
        if (expiry <= glacier) {
            throw new IllegalArgumentException("context 'archiveExpirationDays' (" + expiry + ") must be greater than 'archiveGlacierDays' (" + glacier + ")");
        }
        int coreCount = c.integer("emrCoreInstanceCount", 1, 1, 50);
        // Managed-scaling limits count core and task nodes only (the primary node never scales).
        int maxCount = c.integer("emrMaxInstanceCount", 3, 1, 100);
        if (maxCount < coreCount) {
            throw new IllegalArgumentException("context 'emrMaxInstanceCount' (" + maxCount + ") must be at least emrCoreInstanceCount (" + coreCount + ")");
        }
        String alertEmail = c.string("alertEmail", "");
        String opsEmail = c.string("opsEmail", alertEmail);
        String release = c.string("emrRelease", "emr-7.12.0");
        if (!release.matches("emr-7\\.\\d+\\.\\d+")) {
            throw new IllegalArgumentException("context 'emrRelease' must be an EMR 7.x release label like emr-7.12.0, got '" + release + "'");
        }
        String region = c.string("region", firstNonBlank(System.getenv("CDK_DEFAULT_REGION"), System.getenv("AWS_REGION"), "us-east-1"));
        if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
            throw new IllegalArgumentException("context 'region' is not an AWS region name: '" + region + "'");
        }
        return new StackConfig(
                prefix,
                region,
                capacity,
                c.integer("shardCount", 2, 1, 500),
                c.integer("streamRetentionHours", 24, 24, 8760),
                ia,
                glacier,
                expiry,
                c.integer("firehoseBufferMiB", 64, 1, 128),
                c.integer("firehoseBufferSeconds", 300, 0, 900),
                c.choice("compute", ComputeMode.class, ComputeMode.EMR_EC2),
                release,
                c.string("emrPrimaryInstanceType", "m7g.xlarge"),
                c.string("emrCoreInstanceType", "m7g.xlarge"),
                coreCount,
                maxCount,
                trigger(c.string("jobTrigger", "10s")),
                email("alertEmail", alertEmail),
                email("opsEmail", opsEmail),
                c.integer("alertReservedConcurrency", 5, 1, 1000),
                c.integer("alertCooldownSeconds", 900, 0, 86_400),
                c.integer("alertMemoryMiB", 1024, 256, 10240),
                c.bool("snapStart", true),
                c.integer("natGateways", 1, 1, 2),
                c.bool("retainData", true),
                dataSuffix(c.string("dataSuffix", "")),
                c.integer("iteratorAgeAlarmMs", 300_000, 1_000, 86_400_000),
                c.integer("jobLagAlarmMs", 120_000, 1_000, 86_400_000),
                c.string("metricsNamespace", "Sensorpipe"),
                Path.of(c.string("lambdaJar", DEFAULT_LAMBDA_JAR)),
                Path.of(c.string("archiveTransformJar", DEFAULT_ARCHIVE_TRANSFORM_JAR)),
                Path.of(c.string("emrJar", DEFAULT_EMR_JAR)),
                Path.of(c.string("supervisorJar", DEFAULT_SUPERVISOR_JAR)),
                c.integer("jobMaxRestarts", 5, 0, 100),
                // The job's state partitions: fixed by the first run of a checkpoint, so sized for the largest cluster.
                c.integer("jobShufflePartitions", 32, 1, 4096),
                warmStartHistory(c.string("jobWarmStartHistory", "")));
    }

    /** Lower-case letters and digits only: it goes into bucket, table and stream names. */
    private static String dataSuffix(String value) {
        if (!value.isEmpty() && !value.matches("[a-z0-9]{1,8}")) {
            throw new IllegalArgumentException("context 'dataSuffix' must be 1-8 lower-case letters or digits (e.g. 2), got '" + value + "'");
        }
        return value;
    }

    /**
     * The job's --warm-start-history, or "" for no warm start: on a new checkpoint the job first trains every sensor
     * on this much of the archive before the stream's trim horizon (see emr-streaming's README).
     */
    private static String warmStartHistory(String value) {
        if (!value.isEmpty()) {
            Duration d = DurationText.parse("context 'jobWarmStartHistory'", value);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("context 'jobWarmStartHistory' must be positive (e.g. 7d), or left out"
                        + " for no warm start; got '" + value + "'");
            }
        }
        return value;
    }

    /** The job's --trigger format: a number and a unit (ms, s, m, h). */
    private static String trigger(String value) {
        if (!value.matches("\\d+(ms|s|m|h)")) {
            throw new IllegalArgumentException("context 'jobTrigger' must look like 10s, 500ms, 1m; got '" + value + "'");
        }
        return value;
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        throw new IllegalStateException("no fallback value");
    }

    private static String email(String key, String value) {
        if (!value.isEmpty() && !value.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw new IllegalArgumentException("context '" + key + "' is not an email address: '" + value + "'");
        }
        return value;
    }

    /** The Lambda jar, or a failure that names the module to build. */
    public Path requireLambdaJar() {
        return requireJar(lambdaJar, "lambdaJar", "lambda-alerts");
    }

    /** The Firehose record-transformation Lambda's jar, or a failure that names the module to build. */
    public Path requireArchiveTransformJar() {
        return requireJar(archiveTransformJar, "archiveTransformJar", "firehose-archive");
    }

    /** The Spark job's shaded jar, or a failure that names the module to build. */
    public Path requireEmrJar() {
        return requireJar(emrJar, "emrJar", "emr-streaming");
    }

    /** The job deployer/supervisor Lambda jar, or a failure that names the module to build. */
    public Path requireSupervisorJar() {
        return requireJar(supervisorJar, "supervisorJar", "job-supervisor");
    }

    private static Path requireJar(Path jar, String key, String module) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("jar asset not found: " + jar.toAbsolutePath().normalize()
                    + " - build module '" + module + "' first (cd .. && mvn -pl " + module + " -am package -DskipTests)"
                    + " or pass its path with -c " + key + "=PATH");
        }
        return jar.toAbsolutePath().normalize();
    }

    /** A name derived from the prefix, e.g. {@code name("results")} = {@code sensorpipe-results}. */
    public String name(String suffix) {
        return prefix + "-" + suffix;
    }

    /**
     * Name of a data resource that {@code retainData} keeps after a destroy (stream, tables, buckets, key alias):
     * {@code name(role)} plus {@code -<dataSuffix>} when set, so a redeploy next to retained data gets fresh names
     * instead of colliding with them (see cdk/README.md, "Redeploy with retained data").
     */
    public String dataName(String role) {
        return dataSuffix.isEmpty() ? name(role) : name(role) + "-" + dataSuffix;
    }

    /** Lower-case, dashed spelling of an enum constant (as written in context). */
    public static String spelling(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
