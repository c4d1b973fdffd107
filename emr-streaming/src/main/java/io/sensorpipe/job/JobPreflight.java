package io.sensorpipe.job;

import io.sensorpipe.aws.AwsErrors;
import java.time.Duration;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
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

    /**
     * One call to each service the job needs, before Spark starts; null when both answer, else one line with the fix.
     * A job pointed at nothing (no local cloud, a typo in the endpoint or region, a stream or table that is not there)
     * then fails in seconds, instead of retrying quietly for minutes (the source's backoff is for outages of a running
     * job) or ending in a stack trace. The table is not asked for when {@code --create-resources} will create it.
     */
    static String unreachable(JobConfig config, KinesisClient kinesis,
                              DynamoDbClient dynamo) {
        try {
            kinesis.describeStreamSummary(b -> b.streamName(config.stream())
                    .overrideConfiguration(o -> o.apiCallTimeout(PREFLIGHT_TIMEOUT)));
        } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException e) {
            return AwsErrors.oneLine(new AwsErrors.MissingResource("stream",
                    config.stream(), e)).orElseThrow();
        } catch (RuntimeException e) {
            return oneLineOrThrow(e, "Kinesis");
        }
        if (!config.createResources()) {
            try {
                dynamo.describeTable(b -> b.tableName(config.table())
                        .overrideConfiguration(o -> o.apiCallTimeout(PREFLIGHT_TIMEOUT)));
            } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
                return AwsErrors.oneLine(new AwsErrors.MissingResource("table",
                        config.table(), e)).orElseThrow();
            } catch (RuntimeException e) {
                return oneLineOrThrow(e, "DynamoDB");
            }
        }
        return null;
    }

    private static String oneLineOrThrow(RuntimeException e, String service) {
        if (e instanceof ApiCallTimeoutException) {
            return "no answer from " + service + " within " + PREFLIGHT_TIMEOUT.toSeconds() + " s (an endpoint that "
                    + "accepts connections but does not answer): " + AwsErrors.LOCAL_CLOUD_FIX;
        }
        return AwsErrors.oneLine(e).orElseThrow(() -> e);
    }
}
