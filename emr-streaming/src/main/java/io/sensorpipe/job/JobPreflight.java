package io.sensorpipe.job;

import io.sensorpipe.aws.AwsErrors;
import io.sensorpipe.aws.DynamoTables;
import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.contract.Tables;
import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The job's preflight, in its own class: {@link StreamingJobMain} is also loaded by the CDK tests (to parse the
 * synthesized step's arguments) without the AWS SDK's Kinesis and DynamoDB classes, which these calls need.
 */
final class JobPreflight {
    private JobPreflight() {
    }

    /** Each preflight call's whole time, retries included: an endpoint that accepts and never answers fails too. */
    private static final Duration PREFLIGHT_TIMEOUT = Duration.ofSeconds(20);

    /** What the preflight found: the one line that stops the job (null when none), and the table's item count. */
    record Checked(String problem, long tableItems) {
    }

    /** {@link #check}'s one line, or null. */
    static String unreachable(JobConfig config, KinesisClient kinesis, DynamoDbClient dynamo) {
        return check(config, kinesis, dynamo).problem();
    }

    /**
     * One call to each service the job needs, before Spark starts; no problem when both answer, else one line with
     * the fix. A job pointed at nothing (no local cloud, a typo in the endpoint or region, a stream or table that is
     * not there) then fails in seconds, instead of retrying quietly for minutes (the source's backoff is for outages
     * of a running job) or ending in a stack trace. A table {@code --create-resources} will create may be missing.
     * The same description gives the table's item count, for {@link #rewritesResults}.
     */
    static Checked check(JobConfig config, KinesisClient kinesis, DynamoDbClient dynamo) {
        String stream = ask("Kinesis", "stream", config.stream(),
                () -> kinesis.describeStreamSummary(b -> b.streamName(config.stream()).overrideConfiguration(BUDGET)));
        if (stream != null) {
            return new Checked(stream, 0);
        }
        TableDescription[] table = new TableDescription[1];
        String missing = ask("DynamoDB", "table", config.table(), () -> table[0] = dynamo.describeTable(
                b -> b.tableName(config.table()).overrideConfiguration(BUDGET)).table());
        if (config.createResources()) {
            return new Checked(null, itemsOf(table[0])); // created next when missing
        }
        if (missing != null) {
            return new Checked(missing, 0);
        }
        // a table of another shape (the alert state's, an older release's) refuses every window the job writes
        String otherKey = DynamoTables.keyMismatch(table[0], Tables.RESULTS);
        return new Checked(otherKey == null ? null : otherKey + ": pass the results table (the stack's output "
                + "ResultsTableName, or the one scripts/pipeline creates) to " + JobOptions.TABLE, itemsOf(table[0]));
    }

    private static long itemsOf(TableDescription table) {
        return table == null || table.itemCount() == null ? 0 : table.itemCount();
    }

    /**
     * A warning when a new checkpoint will read the stream's past into a results table that already holds windows
     * and nothing trains the models first: every window the stream still holds is written again by models that
     * start learning, so its earlier verdicts, anomalies included, are replaced (the archive reprocessing says the
     * same). Null when none applies. {@code tableItems} is DynamoDB's item count (refreshed about every six hours).
     */
    static String rewritesResults(JobConfig config, boolean newCheckpoint, boolean warmStart, long tableItems) {
        if (!newCheckpoint || warmStart || tableItems <= 0 || "LATEST".equals(config.initialPosition())) {
            return null;
        }
        return "a new " + JobOptions.CHECKPOINT + " reads the stream from " + config.initialPosition() + " into "
                + config.table() + ", which holds about " + tableItems + " items: the windows the stream still holds "
                + "are written again by models that start learning (their earlier verdicts, anomalies included, are "
                + "replaced, and each sensor's first " + config.warmupWindows() + " windows are not scored); pass "
                + JobOptions.WARM_START_ARCHIVE + " to start trained, " + JobOptions.INITIAL_POSITION
                + " LATEST to leave them, or another " + JobOptions.TABLE;
    }

    private static final Consumer<AwsRequestOverrideConfiguration.Builder> BUDGET =
            o -> o.apiCallTimeout(PREFLIGHT_TIMEOUT);

    /** Null when {@code call} succeeds, else its one line: a missing {@code kind name}, or why it could not be asked. */
    private static String ask(String service, String kind, String name, Runnable call) {
        try {
            call.run();
            return null;
        } catch (AwsServiceException e) {
            return AwsErrors.isNotFound(e) ? AwsErrors.oneLine(new AwsErrors.MissingResource(kind, name, e)).orElseThrow()
                    : oneLineOrThrow(e, service);
        } catch (RuntimeException e) {
            return oneLineOrThrow(e, service);
        }
    }

    /** The one line for a failure to build the job's clients (no region, an endpoint that is not a URL), or null. */
    static String oneLine(RuntimeException e) {
        return AwsErrors.oneLine(e).orElse(null);
    }

    private static String oneLineOrThrow(RuntimeException e, String service) {
        if (e instanceof ApiCallTimeoutException) {
            return AwsErrors.NO_ANSWER + " from " + service + " within " + PREFLIGHT_TIMEOUT.toSeconds() + " s: "
                    + AwsErrors.LOCAL_CLOUD_FIX;
        }
        return AwsErrors.oneLine(e).orElseThrow(() -> e);
    }
}
