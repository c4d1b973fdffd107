package io.sensorpipe.cli.resources;

import picocli.CommandLine.Option;

/** Resource-name flags shared by the commands; each falls back to an env variable, then to the default. */
public class ResourceOptions {
    @Option(names = "--stream", defaultValue = "${env:SENSORPIPE_STREAM:-" + ResourceNames.DEFAULT_STREAM + "}",
            description = "Kinesis stream (env SENSORPIPE_STREAM, default ${DEFAULT-VALUE})")
    String stream;

    @Option(names = "--shards", defaultValue = "2", description = "shards of a newly created stream (default ${DEFAULT-VALUE})")
    int shards;

    @Option(names = "--table", defaultValue = "${env:SENSORPIPE_RESULTS_TABLE:-sensorpipe-results}",
            description = "results table (env SENSORPIPE_RESULTS_TABLE, default ${DEFAULT-VALUE})")
    String resultsTable;

    @Option(names = "--alert-state-table",
            defaultValue = "${env:SENSORPIPE_ALERT_STATE_TABLE:-" + ResourceNames.DEFAULT_ALERT_STATE_TABLE + "}",
            description = "alert cooldown table (default ${DEFAULT-VALUE})")
    String alertStateTable;

    @Option(names = "--archive-bucket",
            defaultValue = "${env:SENSORPIPE_ARCHIVE_BUCKET:-" + ResourceNames.DEFAULT_ARCHIVE_BUCKET + "}",
            description = "raw archive bucket (default ${DEFAULT-VALUE})")
    String archiveBucket;

    @Option(names = "--checkpoint-bucket",
            defaultValue = "${env:SENSORPIPE_CHECKPOINT_BUCKET:-" + ResourceNames.DEFAULT_CHECKPOINT_BUCKET + "}",
            description = "checkpoints + dead letters bucket (default ${DEFAULT-VALUE})")
    String checkpointBucket;

    @Option(names = "--alert-topic",
            defaultValue = "${env:SENSORPIPE_ALERT_TOPIC:-" + ResourceNames.DEFAULT_ALERT_TOPIC + "}",
            description = "SNS alert topic name (default ${DEFAULT-VALUE})")
    String alertTopic;

    @Option(names = "--alert-queue",
            defaultValue = "${env:SENSORPIPE_ALERT_QUEUE:-" + ResourceNames.DEFAULT_ALERT_QUEUE + "}",
            description = "SQS queue subscribed to the topic (default ${DEFAULT-VALUE})")
    String alertQueue;

    public ResourceNames names() {
        return new ResourceNames(stream, shards, resultsTable, alertStateTable, archiveBucket, checkpointBucket,
                alertTopic, alertQueue).validated();
    }
}
