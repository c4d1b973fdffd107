package io.sensorpipe.cdk.ingest;

import io.sensorpipe.cdk.config.StackConfig;
import io.sensorpipe.cdk.config.StackConfig.StreamCapacity;
import io.sensorpipe.cdk.nag.Reasons;
import io.sensorpipe.contract.ArchiveLayout;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.kinesis.StreamMode;
import software.amazon.awscdk.services.kinesisfirehose.DataProcessorProps;
import software.amazon.awscdk.services.kinesisfirehose.LambdaFunctionProcessor;
import software.amazon.awscdk.services.kinesisfirehose.Compression;
import software.amazon.awscdk.services.kinesisfirehose.DeliveryStream;
import software.amazon.awscdk.services.kinesisfirehose.KinesisStreamSource;
import software.amazon.awscdk.services.kinesisfirehose.S3Bucket;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

/**
 * The readings stream (KMS-encrypted), the Firehose that archives it raw to S3 through firehose-archive's
 * record-transformation Lambda (settings from firehose-archive/README.md), and a managed policy that lets a producer
 * put records and nothing else.
 */
public final class ReadingsIngest extends Construct {
    /** firehose-archive's record transformer. */
    public static final String TRANSFORM_HANDLER = "io.sensorpipe.archive.transform.FirehoseTransformHandler::handleRequest";

    private final Function transform;
    private final Stream stream;
    private final DeliveryStream archiveDelivery;
    private final ManagedPolicy producerPolicy;

    public ReadingsIngest(Construct scope, String id, StackConfig config, IKey dataKey, IBucket archiveBucket) {
        super(scope, id);
        boolean provisioned = config.streamCapacity() == StreamCapacity.PROVISIONED;
        var streamProps = Stream.Builder.create(this, "Readings")
                .streamName(config.dataName("readings"))
                .streamMode(provisioned ? StreamMode.PROVISIONED : StreamMode.ON_DEMAND)
                .encryption(StreamEncryption.KMS)
                .encryptionKey(dataKey)
                .retentionPeriod(Duration.hours(config.streamRetentionHours()))
                .removalPolicy(config.retainData() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
        if (provisioned) {
            streamProps.shardCount(config.shardCount());
        }
        stream = streamProps.build();

        transform = archiveTransform(config, config.requireArchiveTransformJar());

        // The destination's role: CDK grants it read-write on the bucket, deletes included; Firehose only writes new
        // objects (and aborts its multipart uploads), so deleting or locking archived objects is denied outright.
        Role deliveryRole = Role.Builder.create(this, "ArchiveDeliveryRole")
                .assumedBy(new ServicePrincipal("firehose.amazonaws.com"))
                .description("sensorpipe archive delivery: writes new objects under the archive bucket, never deletes")
                .build();
        deliveryRole.addToPrincipalPolicy(PolicyStatement.Builder.create().effect(Effect.DENY)
                .actions(ARCHIVE_DELIVERY_DENIED)
                .resources(List.of(archiveBucket.getBucketArn(), archiveBucket.arnForObjects("*")))
                .build());
        archiveDelivery = DeliveryStream.Builder.create(this, "Archive")
                .deliveryStreamName(config.name("archive"))
                .source(new KinesisStreamSource(stream))
                .destination(S3Bucket.Builder.create(archiveBucket)
                        .role(deliveryRole)
                        .compression(Compression.GZIP)
                        // hourly Hive-style partitions: the layout the bridge, replay and the job's warm start also use
                        .dataOutputPrefix(ArchiveLayout.DEFAULT_PREFIX)
                        .errorOutputPrefix(ArchiveLayout.DEFAULT_ERROR_PREFIX)
                        .bufferingSize(Size.mebibytes(config.firehoseBufferMiB()))
                        .bufferingInterval(Duration.seconds(config.firehoseBufferSeconds()))
                        .encryptionKey(dataKey)
                        // firehose-archive's transformer: valid readings + '\n' (NDJSON), malformed ones to errors/.
                        .processors(List.of(new LambdaFunctionProcessor(transform, DataProcessorProps.builder()
                                .bufferSize(Size.mebibytes(1))
                                .bufferInterval(Duration.seconds(60))
                                .retries(3)
                                .build())))
                        .build())
                .build();
        Reasons deliveryReasons = Reasons.of()
                .suppress("AwsSolutions-KDF1", "A delivery stream whose source is a Kinesis stream cannot have its own SSE; the source stream and the destination bucket are both KMS-encrypted.")
                .suppress("AwsSolutions-IAM5", "Firehose needs object-level access under its destination bucket and data-key generation on the pipeline key (CDK grants, scoped to that bucket and key).",
                        List.of("Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*", "Action::s3:DeleteObject*", "Action::s3:Abort*",
                                "Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*"))
                .suppressMatching("AwsSolutions-IAM5", "Firehose writes objects with generated names anywhere under the archive bucket (raw/ and errors/), and invokes any version of its own transform function.",
                        List.of("^Resource::<BucketsArchive[A-Za-z0-9]*\\.Arn>\\/\\*$", "^Resource::<IngestArchiveTransform[A-Za-z0-9]*\\.Arn>:\\*$"));
        deliveryReasons.applyTo(archiveDelivery);
        deliveryReasons.applyTo(deliveryRole); // the same grants, on the role passed to the destination
        Reasons.of().suppress("AwsSolutions-KDS3", "A customer-managed key is deliberate: one pipeline key with rotation, auditable grants and a key policy that also covers the tables, buckets and topics.")
                .applyTo(stream);

        // Attach to whoever runs kpl-producer: put-only on this stream (plus the shard listing the KPL needs).
        producerPolicy = ManagedPolicy.Builder.create(this, "ProducerPolicy")
                .managedPolicyName(config.name("producer"))
                .description("Lets the sensorpipe KPL producer put readings into " + config.dataName("readings") + " and nothing else")
                .statements(List.of(
                        PolicyStatement.Builder.create().effect(Effect.ALLOW)
                                .actions(List.of("kinesis:PutRecord", "kinesis:PutRecords", "kinesis:ListShards", "kinesis:DescribeStreamSummary"))
                                .resources(List.of(stream.getStreamArn())).build(),
                        PolicyStatement.Builder.create().effect(Effect.ALLOW)
                                .actions(List.of("kms:GenerateDataKey"))
                                .resources(List.of(dataKey.getKeyArn())).build()))
                .build();
    }

    /** What the archive's delivery role may never do, whatever CDK's bucket grant allows. */
    public static final List<String> ARCHIVE_DELIVERY_DENIED = List.of("s3:DeleteObject*", "s3:PutObjectRetention",
            "s3:PutObjectLegalHold", "s3:PutObjectAcl", "s3:PutObjectVersionAcl", "s3:PutBucket*", "s3:DeleteBucket*");

    /** The record-transformation function of firehose-archive, with its own role and log group. */
    private Function archiveTransform(StackConfig config, Path jar) {
        LogGroup logs = LogGroup.Builder.create(this, "ArchiveTransformLogs")
                .logGroupName("/aws/lambda/" + config.name("archive-transform"))
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        Role role = Role.Builder.create(this, "ArchiveTransformRole")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("sensorpipe archive transformer: logs only (no AWS calls)")
                .build();
        logs.grantWrite(role);
        Function function = Function.Builder.create(this, "ArchiveTransform")
                .functionName(config.name("archive-transform"))
                .description("Firehose record transformation: valid readings + newline, malformed ones to errors/")
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(TRANSFORM_HANDLER)
                .code(Code.fromAsset(jar.toString()))
                .memorySize(512)
                .timeout(Duration.seconds(60))
                .role(role)
                .logGroup(logs)
                .build();
        Reasons.of().suppress("AwsSolutions-L1", "java21 is the runtime firehose-archive is built and tested for (Java 17 bytecode); move to the next Java LTS runtime together with that module.")
                .applyTo(function);
        return function;
    }

    public Function archiveTransform() {
        return transform;
    }

    public Stream stream() {
        return stream;
    }

    public DeliveryStream archiveDelivery() {
        return archiveDelivery;
    }

    public ManagedPolicy producerPolicy() {
        return producerPolicy;
    }
}
