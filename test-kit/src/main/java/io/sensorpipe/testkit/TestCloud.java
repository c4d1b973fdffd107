package io.sensorpipe.testkit;

import io.sensorpipe.aws.DynamoTables;
import io.sensorpipe.contract.TableSpec;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The one local-cloud fixture of every module's integration tests. {@link #connect()} checks the endpoints first
 * ({@link CloudEndpoints#requireLocal}: loopback only unless {@value CloudEndpoints#ALLOW_REMOTE}{@code =true}) and
 * that the cloud answers, and fails the test with one line otherwise (never skips: a skipped IT looks green).
 * Then: clients for those endpoints, unique resource names, and create helpers whose resources {@link #close()}
 * deletes (best effort; names are unique, so a leftover never disturbs another run).
 *
 * <pre>
 * try (TestCloud cloud = TestCloud.connect()) {
 *     String stream = cloud.createStream("job-it", 2);
 *     String table = cloud.createTable(Tables.RESULTS).table().tableName();
 *     ...
 * }
 * </pre>
 */
public final class TestCloud implements AutoCloseable {
    private static final Duration STREAM_ACTIVE_TIMEOUT = Duration.ofSeconds(60);

    private final CloudEndpoints endpoints;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, SdkClient> clients = new LinkedHashMap<>();
    /** Deletions of what this fixture created, run last-created first. */
    private final Deque<Runnable> cleanups = new ArrayDeque<>();
    private int counter;

    private TestCloud(CloudEndpoints endpoints) {
        this.endpoints = endpoints;
        String regionName = endpoints.variable("AWS_REGION") != null ? endpoints.variable("AWS_REGION")
                : endpoints.variable("AWS_DEFAULT_REGION");
        this.region = regionName != null ? Region.of(regionName) : endpoints.general() != null ? Region.US_EAST_1 : null;
        this.credentials = localCredentials(endpoints);
    }

    /** The fixture for the cloud the environment names (see {@link CloudEndpoints}); fails when it is unusable. */
    public static TestCloud connect() {
        return connect(CloudEndpoints.fromEnvironment());
    }

    /**
     * Like {@link #connect()}, also requiring {@code extraEndpointVariables} (e.g. the KPL's
     * {@code SENSORPIPE_KPL_KINESIS_ENDPOINT}) to be set, local and answering.
     */
    public static TestCloud connect(String... extraEndpointVariables) {
        return connect(CloudEndpoints.fromEnvironment(), extraEndpointVariables);
    }

    static TestCloud connect(CloudEndpoints endpoints, String... extraEndpointVariables) {
        endpoints.requireLocal(extraEndpointVariables);
        if (LocalStackLauncher.enabled()) {
            LocalStackLauncher.ensureStarted(endpoints); // -Plocalstack: the same ITs against LocalStack in Docker
        }
        if (!endpoints.allowRemote()) {
            endpoints.endpointVariables().keySet().forEach(endpoints::requireReachable);
            for (String extra : extraEndpointVariables) {
                endpoints.requireReachable(extra);
            }
        }
        return new TestCloud(endpoints);
    }

    public CloudEndpoints endpoints() {
        return endpoints;
    }

    /** The endpoint of a service by its variable suffix ({@code KINESIS}, {@code S3}, ...); null only on real AWS. */
    public URI endpoint(String service) {
        return endpoints.endpoint(service);
    }

    public Region region() {
        return region;
    }

    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    // ------------------------------------------------------------------ names

    /** {@code prefix-<8 random hex>}: for a test that needs a unique name without a fixture. */
    public static String randomName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** This fixture's random suffix (8 hex characters). */
    public String suffix() {
        return suffix;
    }

    /**
     * A name no other test run uses: {@code prefix-<suffix>-<n>}, lower case, valid for streams, tables, buckets,
     * topics and queues.
     */
    public synchronized String uniqueName(String prefix) {
        return (prefix + "-" + suffix + "-" + (++counter)).toLowerCase(java.util.Locale.ROOT);
    }

    // ------------------------------------------------------------------ clients

    /**
     * Points any SDK client builder at this cloud: endpoint of {@code service} (see {@link #endpoint}), region,
     * credentials. For clients the fixture does not build (async clients, CloudWatch, Firehose, ...).
     */
    public <B extends AwsClientBuilder<B, ?>> B configure(B builder, String service) {
        URI endpoint = endpoint(service);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        if (region != null) {
            builder.region(region);
        }
        return builder.credentialsProvider(credentials);
    }

    public KinesisClient kinesis() {
        return client("KINESIS", () -> configure(KinesisClient.builder(), "KINESIS")
                .httpClientBuilder(ApacheHttpClient.builder()).build());
    }

    public DynamoDbClient dynamo() {
        return client("DYNAMODB", () -> configure(DynamoDbClient.builder(), "DYNAMODB")
                .httpClientBuilder(ApacheHttpClient.builder()).build());
    }

    public DynamoDbStreamsClient dynamoStreams() {
        return client("DYNAMODB_STREAMS", () -> configure(DynamoDbStreamsClient.builder(), "DYNAMODB_STREAMS")
                .httpClientBuilder(ApacheHttpClient.builder()).build());
    }

    /** Path-style when an endpoint is set: a local endpoint (an IP) has no per-bucket host names. */
    public S3Client s3() {
        return client("S3", () -> configure(S3Client.builder(), "S3").forcePathStyle(endpoint("S3") != null)
                .httpClientBuilder(ApacheHttpClient.builder()).build());
    }

    public SnsClient sns() {
        return client("SNS", () -> configure(SnsClient.builder(), "SNS")
                .httpClientBuilder(ApacheHttpClient.builder()).build());
    }

    public SqsClient sqs() {
        return client("SQS", () -> configure(SqsClient.builder(), "SQS")
                .httpClientBuilder(ApacheHttpClient.builder()).build());
    }

    public StsClient sts() {
        return client("STS", () -> configure(StsClient.builder(), "STS")
                .httpClientBuilder(ApacheHttpClient.builder()).build());
    }

    /**
     * The variables a child process (a script, a spark-submit, the CLI) needs to use the same cloud: every endpoint
     * variable, the region and the credentials the fixture uses.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>(endpoints.endpointVariables());
        for (String name : new String[] {"SENSORPIPE_KPL_KINESIS_ENDPOINT", "SENSORPIPE_KPL_STS_ENDPOINT",
                CloudEndpoints.ALLOW_REMOTE}) {
            if (endpoints.variable(name) != null) {
                env.put(name, endpoints.variable(name));
            }
        }
        if (region != null) {
            env.put("AWS_REGION", region.id());
            env.put("AWS_DEFAULT_REGION", region.id());
        }
        if (credentials instanceof StaticCredentialsProvider) {
            var c = credentials.resolveCredentials();
            env.put("AWS_ACCESS_KEY_ID", c.accessKeyId());
            env.put("AWS_SECRET_ACCESS_KEY", c.secretAccessKey());
        }
        return env;
    }

    // ------------------------------------------------------------------ resources

    /** Creates a stream named {@code uniqueName(prefix)} and waits until it is ACTIVE; deleted on close. */
    public String createStream(String prefix, int shards) {
        String name = uniqueName(prefix);
        try {
            kinesis().createStream(b -> b.streamName(name).shardCount(shards));
        } catch (ResourceInUseException retriedAfterSuccess) {
            // the name is ours alone: an SDK retry of a slow but successful CreateStream lands here
        }
        cleanups.push(() -> kinesis().deleteStream(b -> b.streamName(name).enforceConsumerDeletion(true)));
        awaitStreamActive(name);
        return name;
    }

    /** Polls every 100 ms (the SDK waiter sleeps 10 s; a local stream is ACTIVE within a second). */
    public void awaitStreamActive(String stream) {
        long deadline = System.nanoTime() + STREAM_ACTIVE_TIMEOUT.toNanos();
        while (kinesis().describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
                != StreamStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stream " + stream + " not ACTIVE after " + STREAM_ACTIVE_TIMEOUT);
            }
            sleep(100);
        }
    }

    /**
     * Creates a table of the shared shape ({@code io.sensorpipe.contract.Tables}) named {@code uniqueName(prefix)},
     * TTL enabled, as {@link DynamoTables#createIfMissing} does everywhere; deleted on close.
     * {@code .table().tableName()} is its name, {@code .streamArn()} its stream.
     */
    public DynamoTables.Ensured createTable(TableSpec spec, String prefix) {
        String name = uniqueName(prefix);
        cleanups.push(() -> dynamo().deleteTable(b -> b.tableName(name)));
        return DynamoTables.createIfMissing(dynamo(), spec, name);
    }

    /** {@link #createTable(TableSpec, String)} with the spec's default name as prefix. */
    public DynamoTables.Ensured createTable(TableSpec spec) {
        return createTable(spec, spec.defaultName());
    }

    /** Creates a bucket; on close it is emptied and deleted. */
    public String createBucket(String prefix) {
        String name = uniqueName(prefix);
        try {
            s3().createBucket(b -> b.bucket(name));
        } catch (BucketAlreadyOwnedByYouException retriedAfterSuccess) {
            // as for streams: our own earlier attempt succeeded
        }
        cleanups.push(() -> {
            s3().listObjectsV2Paginator(b -> b.bucket(name)).contents()
                    .forEach(o -> s3().deleteObject(b -> b.bucket(name).key(o.key())));
            s3().deleteBucket(b -> b.bucket(name));
        });
        return name;
    }

    /** Creates a topic; returns its ARN. */
    public String createTopic(String prefix) {
        String arn = sns().createTopic(b -> b.name(uniqueName(prefix))).topicArn();
        cleanups.push(() -> sns().deleteTopic(b -> b.topicArn(arn)));
        return arn;
    }

    /** Creates a queue; returns its URL. */
    public String createQueue(String prefix) {
        String url = sqs().createQueue(b -> b.queueName(uniqueName(prefix))).queueUrl();
        cleanups.push(() -> sqs().deleteQueue(b -> b.queueUrl(url)));
        return url;
    }

    public String queueArn(String queueUrl) {
        return sqs().getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** Subscribes the queue to the topic (SNS envelope delivery, as in production); returns the subscription ARN. */
    public String subscribe(String topicArn, String queueUrl) {
        String queueArn = queueArn(queueUrl);
        String policy = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},\
                "Action":"sqs:SendMessage","Resource":"%s","Condition":{"ArnEquals":{"aws:SourceArn":"%s"}}}]}"""
                .formatted(queueArn, topicArn);
        sqs().setQueueAttributes(b -> b.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY, policy)));
        return sns().subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn)
                .returnSubscriptionArn(true)).subscriptionArn();
    }

    /** Deletes {@code resource} with the other created resources on close (for what a test created itself). */
    public void deleteOnClose(Runnable deletion) {
        cleanups.push(deletion);
    }

    /** Deletes what this fixture created (best effort, newest first), then closes the clients. */
    @Override
    public void close() {
        while (!cleanups.isEmpty()) {
            try {
                cleanups.pop().run();
            } catch (RuntimeException ignored) {
                // cleanup must not hide the test's own result; names are unique anyway
            }
        }
        clients.values().forEach(SdkClient::close);
        clients.clear();
    }

    @SuppressWarnings("unchecked")
    private synchronized <T extends SdkClient> T client(String service, Supplier<T> factory) {
        return (T) clients.computeIfAbsent(service, s -> factory.get());
    }

    /**
     * Locally the keys from the environment, else dummy ones: the local cloud accepts anything, and no real key
     * from a profile or instance role is sent anywhere. Remote (allowed explicitly): the SDK's default chain.
     */
    private static AwsCredentialsProvider localCredentials(CloudEndpoints endpoints) {
        if (endpoints.allowRemote()) {
            return DefaultCredentialsProvider.builder().build();
        }
        String key = endpoints.variable("AWS_ACCESS_KEY_ID");
        String secret = endpoints.variable("AWS_SECRET_ACCESS_KEY");
        return StaticCredentialsProvider.create(key != null && secret != null
                ? AwsBasicCredentials.create(key, secret) : AwsBasicCredentials.create("test", "test"));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
