package io.sensorpipe.cdk.compute;

import io.sensorpipe.cdk.config.PipelineConfig;
import io.sensorpipe.cdk.nag.Reasons;
import io.sensorpipe.cdk.storage.PipelineBuckets;
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
public final class StreamingJob {
    public static final String MAIN_CLASS = "io.sensorpipe.job.StreamingJobMain";

    private final PipelineConfig config;
    private final IStream stream;
    private final ITableV2 results;
    private final PipelineBuckets buckets;
    private final IKey dataKey;
    private final Asset jar;

    public StreamingJob(PipelineConfig config, IStream stream, ITableV2 results, PipelineBuckets buckets, IKey dataKey, Asset jar) {
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

    /** Job arguments after the jar (flags of emr-streaming's StreamingJobMain). */
    public List<String> arguments() {
        return List.of(
                "--stream", stream.getStreamName(),
                "--table", results.getTableName(),
                "--checkpoint", buckets.checkpointLocation(),
                "--dead-letter-bucket", buckets.state().getBucketName(),
                "--dead-letter-prefix", PipelineBuckets.DEAD_LETTERS_PREFIX,
                "--trigger", config.jobTrigger(),
                "--cloudwatch-namespace", config.metricsNamespace());
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
                .suppressMatching("AwsSolutions-IAM5", "Object keys are created by the job at run time: access is scoped to the prefixes it owns (checkpoints/ read-write, dead-letters/ put-only); the results-table grant includes that table's own index ARNs (table/<name>/index/*) only.",
                        List.of("^Resource::<BucketsState[A-Za-z0-9]*\\.Arn>\\/(checkpoints|dead-letters\\/)\\*$",
                                "^Resource::<TablesResults[A-Za-z0-9]*\\.Arn>\\/index\\/\\*$"))
                .applyTo(role);
    }

    private static PolicyStatement statement(List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create().effect(Effect.ALLOW).actions(actions).resources(resources).build();
    }
}
