package io.sensorpipe.cdk.compute;

import io.sensorpipe.cdk.config.StackConfig;
import io.sensorpipe.cdk.nag.Reasons;
import io.sensorpipe.cdk.storage.PipelineBuckets;
import io.sensorpipe.contract.ArchiveLayout;
import io.sensorpipe.contract.JobControl;
import io.sensorpipe.contract.JobOptions;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.dynamodb.ITableV2;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.assets.Asset;

/**
 * What the Spark job needs wherever it runs: its jar, its arguments, and its permissions (read the stream, put-only
 * on results and dead letters, read/write its own checkpoints, publish its metrics).
 */
public final class StreamingJobStep {
    /** The job's entry point, spelled once in the shared contract. */
    public static final String MAIN_CLASS = JobOptions.MAIN_CLASS;

    private final StackConfig config;
    private final IStream stream;
    private final ITableV2 results;
    private final PipelineBuckets buckets;
    private final IKey dataKey;
    private final Asset jar;

    public StreamingJobStep(StackConfig config, IStream stream, ITableV2 results, PipelineBuckets buckets, IKey dataKey, Asset jar) {
        this.config = config;
        this.stream = stream;
        this.results = results;
        this.buckets = buckets;
        this.dataKey = dataKey;
        this.jar = jar;
    }

    public Asset jar() {
        return jar;
    }

    /**
     * Driver attempts YARN gives the job before the step fails (then the supervisor restarts it). The cluster sets
     * YARN's own cap ({@code yarn.resourcemanager.am.max-attempts}) to the same value, since YARN silently lowers
     * {@code spark.yarn.maxAppAttempts} to its cap (default 2).
     */
    public static final int MAX_APP_ATTEMPTS = 4;

    /** Name of the step / job run: the supervisor's key for the job. */
    public String name() {
        return config.name("streaming-job");
    }

    /** The job's stop marker (s3 URI beside the checkpoint; see io.sensorpipe.contract.JobControl). */
    public String stopMarker() {
        return JobControl.stopMarkerFor(buckets.checkpointLocation());
    }

    /** The EMR step: command-runner.jar arguments that spark-submit the job in cluster mode. */
    public List<String> emrStepArguments() {
        List<String> args = new java.util.ArrayList<>(List.of(
                "spark-submit", "--deploy-mode", "cluster",
                "--class", MAIN_CLASS,
                "--conf", "spark.yarn.maxAppAttempts=" + MAX_APP_ATTEMPTS,
                // A driver that ran an hour since its last failure gets its attempts back.
                "--conf", "spark.yarn.am.attemptFailuresValidityInterval=1h",
                jar.getS3ObjectUrl()));
        args.addAll(arguments());
        return List.copyOf(args);
    }

    /** Job arguments after the jar (flags of emr-streaming's StreamingJobMain). */
    public List<String> arguments() {
        List<String> args = new java.util.ArrayList<>(List.of(
                JobOptions.STREAM, stream.getStreamName(),
                JobOptions.TABLE, results.getTableName(),
                JobOptions.CHECKPOINT, buckets.checkpointLocation(),
                JobOptions.DEAD_LETTER_BUCKET, buckets.state().getBucketName(),
                JobOptions.DEAD_LETTER_PREFIX, PipelineBuckets.DEAD_LETTERS_PREFIX,
                JobOptions.TRIGGER, config.jobTrigger(),
                JobOptions.SHUFFLE_PARTITIONS, Integer.toString(config.jobShufflePartitions()),
                JobOptions.CLOUDWATCH_NAMESPACE, config.metricsNamespace()));
        if (!config.jobWarmStartHistory().isEmpty()) {
            // The step starts from the trim horizon: on a new checkpoint the archive teaches what the stream no
            // longer holds. The role already reads the archive's raw/ prefix.
            args.addAll(List.of(
                    JobOptions.WARM_START_ARCHIVE, "s3://" + buckets.archive().getBucketName() + "/" + ArchiveLayout.DATA_ROOT,
                    JobOptions.WARM_START_HISTORY, config.jobWarmStartHistory()));
        }
        return List.copyOf(args);
    }

    /** Grants exactly what the job does; used for the EMR instance role or the EMR Serverless execution role. */
    public void grantTo(Role role) {
        stream.grantRead(role);
        results.grant(role, "dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:DescribeTable");
        dataKey.grant(role, "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey");

        String state = buckets.state().getBucketArn();
        // "checkpoints*" rather than "checkpoints/*": EMRFS also writes a "checkpoints_$folder$" marker object.
        String checkpoints = PipelineBuckets.CHECKPOINTS_PREFIX.substring(0, PipelineBuckets.CHECKPOINTS_PREFIX.length() - 1);
        role.addToPrincipalPolicy(statement(List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
                List.of(state + "/" + checkpoints + "*")));
        role.addToPrincipalPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                .actions(List.of("s3:ListBucket", "s3:GetBucketLocation"))
                .resources(List.of(state))
                .build());
        // Reprocessing (ArchiveReprocessMain, an EMR step the operator adds) reads the raw archive Firehose wrote.
        String archive = buckets.archive().getBucketArn();
        role.addToPrincipalPolicy(statement(List.of("s3:GetObject"), List.of(archive + "/" + ArchiveLayout.DATA_ROOT + "*")));
        role.addToPrincipalPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                .actions(List.of("s3:ListBucket", "s3:GetBucketLocation"))
                .resources(List.of(archive))
                .build());
        // Dead letters are write-only for the job.
        role.addToPrincipalPolicy(statement(List.of("s3:PutObject"), List.of(state + "/" + PipelineBuckets.DEAD_LETTERS_PREFIX + "*")));
        // The jar: exactly one object of the asset bucket.
        role.addToPrincipalPolicy(statement(List.of("s3:GetObject"),
                List.of("arn:" + Aws.PARTITION + ":s3:::" + jar.getS3BucketName() + "/" + jar.getS3ObjectKey())));
        // PutMetricData has no resource-level permissions; the namespace condition is the scope.
        role.addToPrincipalPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                .actions(List.of("cloudwatch:PutMetricData"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("cloudwatch:namespace", config.metricsNamespace())))
                .build());
        Reasons.of()
                .suppress("AwsSolutions-IAM5", "cloudwatch:PutMetricData has no resource-level permissions; a cloudwatch:namespace condition limits it to the job's namespace.",
                        List.of("Resource::*"))
                .suppressMatching("AwsSolutions-IAM5", "Object keys are created by the job at run time: access is scoped to the prefixes it owns (checkpoints/ read-write, dead-letters/ put-only, the archive's raw/ read-only for reprocessing); the results-table grant includes that table's own index ARNs (table/<name>/index/*) only.",
                        List.of("^Resource::<BucketsState[A-Za-z0-9]*\\.Arn>\\/(checkpoints|dead-letters\\/)\\*$",
                                "^Resource::<BucketsArchive[A-Za-z0-9]*\\.Arn>\\/raw\\/\\*$",
                                "^Resource::<TablesResults[A-Za-z0-9]*\\.Arn>\\/index\\/\\*$"))
                .applyTo(role);
    }

    private static PolicyStatement statement(List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create().effect(Effect.ALLOW).actions(actions).resources(resources).build();
    }
}
