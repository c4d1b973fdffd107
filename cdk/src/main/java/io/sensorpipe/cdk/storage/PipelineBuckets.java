package io.sensorpipe.cdk.storage;

import io.sensorpipe.cdk.config.StackConfig;
import io.sensorpipe.cdk.nag.Reasons;
import java.util.List;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.BucketProps;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import software.constructs.Construct;

/**
 * The pipeline's buckets: raw archive (Firehose), job state (checkpoints + dead letters), EMR logs, and the
 * server-access-log target they all log to. Names are {@code <prefix>-<role>-<account>-<region>} (globally unique).
 */
public final class PipelineBuckets extends Construct {
    /** Key prefixes inside the state bucket: the job owns both. */
    public static final String CHECKPOINTS_PREFIX = "checkpoints/";
    public static final String DEAD_LETTERS_PREFIX = "dead-letters/";

    private final Bucket accessLogs;
    private final Bucket archive;
    private final Bucket state;
    private final Bucket emrLogs;

    public PipelineBuckets(Construct scope, String id, StackConfig config, IKey dataKey) {
        super(scope, id);
        RemovalPolicy removal = config.retainData() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
        boolean autoDelete = !config.retainData();

        // S3 server access logs can only be delivered to an SSE-S3 bucket.
        accessLogs = new Bucket(this, "AccessLogs", secure(config, "access-logs", removal, autoDelete)
                .encryption(BucketEncryption.S3_MANAGED)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .lifecycleRules(List.of(LifecycleRule.builder().id("expire-access-logs").expiration(Duration.days(90)).build()))
                .build());
        Reasons.of().suppress("AwsSolutions-S1", "This is the server-access-log target; logging it into itself would loop.")
                .applyTo(accessLogs);

        archive = new Bucket(this, "Archive", secure(config, "archive", removal, autoDelete)
                .encryption(BucketEncryption.KMS)
                .encryptionKey(dataKey)
                .bucketKeyEnabled(true)
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix("archive/")
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("archive-tiering")
                        .transitions(List.of(
                                Transition.builder().storageClass(StorageClass.INFREQUENT_ACCESS)
                                        .transitionAfter(Duration.days(config.archiveInfrequentAccessDays())).build(),
                                // Instant Retrieval: replay, reprocessing and warm start read old objects as they
                                // are; Flexible Retrieval answered their GetObject with InvalidObjectState
                                Transition.builder().storageClass(StorageClass.GLACIER_INSTANT_RETRIEVAL)
                                        .transitionAfter(Duration.days(config.archiveGlacierDays())).build()))
                        .expiration(Duration.days(config.archiveExpirationDays()))
                        .abortIncompleteMultipartUploadAfter(Duration.days(7))
                        .build()))
                .build());

        state = new Bucket(this, "State", secure(config, "state", removal, autoDelete)
                .encryption(BucketEncryption.KMS)
                .encryptionKey(dataKey)
                .bucketKeyEnabled(true)
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix("state/")
                .lifecycleRules(List.of(LifecycleRule.builder().id("expire-dead-letters").prefix(DEAD_LETTERS_PREFIX)
                        .expiration(Duration.days(30)).build()))
                .build());

        // EMR's log pusher writes with SSE-S3 unless a security configuration adds S3 encryption to every write.
        emrLogs = new Bucket(this, "EmrLogs", secure(config, "emr-logs", removal, autoDelete)
                .encryption(BucketEncryption.S3_MANAGED)
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix("emr-logs/")
                .lifecycleRules(List.of(LifecycleRule.builder().id("expire-emr-logs").expiration(Duration.days(30)).build()))
                .build());

        if (autoDelete) {
            Reasons.of()
                    .suppress("AwsSolutions-IAM4", "CDK's auto-delete-objects provider uses the AWS-managed basic Lambda execution policy (only with retainData=false).")
                    .suppress("AwsSolutions-L1", "The auto-delete-objects provider's runtime is pinned by aws-cdk-lib, not by this app.")
                    .applyTo(this);
        }
    }

    private static BucketProps.Builder secure(StackConfig config, String role, RemovalPolicy removal, boolean autoDelete) {
        return BucketProps.builder()
                .bucketName(Fn.join("-", List.of(config.dataName(role), Aws.ACCOUNT_ID, Aws.REGION)))
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .minimumTlsVersion(1.2)
                .versioned(false)
                .removalPolicy(removal)
                .autoDeleteObjects(autoDelete);
    }

    public Bucket accessLogs() {
        return accessLogs;
    }

    public Bucket archive() {
        return archive;
    }

    public Bucket state() {
        return state;
    }

    public Bucket emrLogs() {
        return emrLogs;
    }

    public String checkpointLocation() {
        return "s3://" + state.getBucketName() + "/" + CHECKPOINTS_PREFIX;
    }

    public String deadLetterLocation() {
        return "s3://" + state.getBucketName() + "/" + DEAD_LETTERS_PREFIX;
    }
}
