package io.sensorpipe.cli.aws;

import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The one place the CLI builds its AWS clients. Region, credentials and endpoints come from the SDK's default
 * chains: {@code AWS_ENDPOINT_URL} / {@code AWS_ENDPOINT_URL_<SERVICE>} point them at the local cloud, nothing
 * here names an endpoint. Clients are built on first use, so a query command never builds a Kinesis client.
 */
public final class CliAwsClients implements AutoCloseable {
    /**
     * A command waits at most this long for one answer, and a minute for a call with its retries: an endpoint that
     * accepts connections and never answers otherwise held {@code scripts/query} for 4.5 minutes before one line.
     */
    static final ClientOverrideConfiguration TIMEOUTS = ClientOverrideConfiguration.builder()
            .apiCallAttemptTimeout(Duration.ofSeconds(20)).apiCallTimeout(Duration.ofSeconds(60)).build();

    private final Lazy<DynamoDbClient> dynamo = new Lazy<>(() -> DynamoDbClient.builder()
            .overrideConfiguration(TIMEOUTS).build());
    private final Lazy<KinesisClient> kinesis = new Lazy<>(() -> KinesisClient.builder()
            .overrideConfiguration(TIMEOUTS).build());
    // Path-style addressing when an endpoint is configured: a local endpoint (an IP or localhost) has no
    // per-bucket DNS names. On AWS (no endpoint variable) virtual-hosted style stays the default.
    private final Lazy<S3Client> s3 = new Lazy<>(() -> S3Client.builder().forcePathStyle(endpointConfigured("S3"))
            .overrideConfiguration(TIMEOUTS).build());
    private final Lazy<SnsClient> sns = new Lazy<>(() -> SnsClient.builder().overrideConfiguration(TIMEOUTS).build());
    private final Lazy<SqsClient> sqs = new Lazy<>(() -> SqsClient.builder().overrideConfiguration(TIMEOUTS).build());

    public DynamoDbClient dynamo() {
        return dynamo.get();
    }

    public KinesisClient kinesis() {
        return kinesis.get();
    }

    public S3Client s3() {
        return s3.get();
    }

    public SnsClient sns() {
        return sns.get();
    }

    public SqsClient sqs() {
        return sqs.get();
    }

    static boolean endpointConfigured(String service) {
        return notBlank(System.getenv("AWS_ENDPOINT_URL_" + service)) || notBlank(System.getenv("AWS_ENDPOINT_URL"))
                || notBlank(System.getProperty("aws.endpointUrl"));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    @Override
    public void close() {
        for (Lazy<? extends SdkClient> c : java.util.List.of(dynamo, kinesis, s3, sns, sqs)) {
            c.closeIfBuilt();
        }
    }

    private static final class Lazy<T extends SdkClient> {
        private final Supplier<T> factory;
        private T value;

        Lazy(Supplier<T> factory) {
            this.factory = factory;
        }

        synchronized T get() {
            if (value == null) {
                value = factory.get();
            }
            return value;
        }

        synchronized void closeIfBuilt() {
            if (value != null) {
                value.close();
            }
        }
    }
}
