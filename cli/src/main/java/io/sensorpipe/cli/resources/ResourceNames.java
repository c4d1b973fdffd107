package io.sensorpipe.cli.resources;

import io.sensorpipe.schema.ResultItem;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Names of the pipeline's resources, the same ones the CDK app defines. Validated at start so a bad name fails
 * with the field named, before any AWS call.
 *
 * @param stream          Kinesis data stream of raw readings
 * @param shards          shard count when the stream is created
 * @param resultsTable    DynamoDB table of window results ({@link ResultItem})
 * @param alertStateTable DynamoDB table of per-sensor alert cooldown state (pk sensorId)
 * @param archiveBucket   S3 bucket of the raw archive (Firehose / local bridge)
 * @param checkpointBucket S3 bucket of Spark checkpoints and dead letters
 * @param alertTopic      SNS topic the alert Lambda publishes to
 * @param alertQueue      SQS queue subscribed to the topic (CLI tail, dashboard)
 */
public record ResourceNames(
        String stream,
        int shards,
        String resultsTable,
        String alertStateTable,
        String archiveBucket,
        String checkpointBucket,
        String alertTopic,
        String alertQueue) {

    public static final String DEFAULT_STREAM = "sensorpipe-readings";
    public static final String DEFAULT_ALERT_STATE_TABLE = "sensorpipe-alert-state";
    public static final String DEFAULT_ARCHIVE_BUCKET = "sensorpipe-archive";
    public static final String DEFAULT_CHECKPOINT_BUCKET = "sensorpipe-checkpoints";
    public static final String DEFAULT_ALERT_TOPIC = "sensorpipe-alerts";
    public static final String DEFAULT_ALERT_QUEUE = "sensorpipe-alerts-tail";

    private static final Pattern STREAM = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");
    private static final Pattern TABLE = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern TOPIC_OR_QUEUE = Pattern.compile("[a-zA-Z0-9_-]{1,80}");

    public static ResourceNames defaults() {
        return new ResourceNames(DEFAULT_STREAM, 2, ResultItem.DEFAULT_TABLE, DEFAULT_ALERT_STATE_TABLE,
                DEFAULT_ARCHIVE_BUCKET, DEFAULT_CHECKPOINT_BUCKET, DEFAULT_ALERT_TOPIC, DEFAULT_ALERT_QUEUE);
    }

    /** Throws {@link IllegalArgumentException} naming every invalid field. */
    public ResourceNames validated() {
        List<String> errors = new ArrayList<>();
        check(errors, "stream", stream, STREAM);
        if (shards < 1 || shards > 500) {
            errors.add("shards must be in 1..500, was " + shards);
        }
        check(errors, "resultsTable", resultsTable, TABLE);
        check(errors, "alertStateTable", alertStateTable, TABLE);
        check(errors, "archiveBucket", archiveBucket, BUCKET);
        check(errors, "checkpointBucket", checkpointBucket, BUCKET);
        check(errors, "alertTopic", alertTopic, TOPIC_OR_QUEUE);
        check(errors, "alertQueue", alertQueue, TOPIC_OR_QUEUE);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid resource names: " + String.join("; ", errors));
        }
        return this;
    }

    private static void check(List<String> errors, String field, String value, Pattern pattern) {
        if (value == null || !pattern.matcher(value).matches()) {
            errors.add(field + " '" + value + "' does not match " + pattern.pattern());
        }
    }

    public ResourceNames withStream(String newStream) {
        return new ResourceNames(newStream, shards, resultsTable, alertStateTable, archiveBucket, checkpointBucket,
                alertTopic, alertQueue);
    }
}
