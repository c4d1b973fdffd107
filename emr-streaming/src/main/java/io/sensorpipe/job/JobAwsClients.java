package io.sensorpipe.job;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The job's AWS clients, built in one place with the url-connection HTTP client (no netty next to Spark's).
 * Endpoints, region and credentials come from the SDK's default chains ({@code AWS_ENDPOINT_URL[_SERVICE]}, ...).
 * The sinks run in executor tasks, where clients cannot be shipped from the driver: {@link #shared()} is the one
 * set per JVM they use (the sinks take it as a serializable factory, e.g. {@code JobAwsClients::sharedDynamo}).
 */
public final class JobAwsClients implements AutoCloseable {
    private static JobAwsClients shared;

    private final DynamoDbClient dynamo;
    private final S3Client s3;
    private CloudWatchClient cloudWatch;

    public JobAwsClients() {
        this.dynamo = DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        // An endpoint override (local cloud) serves buckets by path, not by virtual host names.
        boolean endpointOverride = System.getenv("AWS_ENDPOINT_URL") != null
                || System.getenv("AWS_ENDPOINT_URL_S3") != null;
        this.s3 = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .forcePathStyle(endpointOverride).build();
    }

    /** This JVM's clients for executor-side sinks; never closed (they live as long as the executor). */
    public static synchronized JobAwsClients shared() {
        if (shared == null) {
            shared = new JobAwsClients();
        }
        return shared;
    }

    public static DynamoDbClient sharedDynamo() {
        return shared().dynamo();
    }

    public static S3Client sharedS3() {
        return shared().s3();
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public S3Client s3() {
        return s3;
    }

    public synchronized CloudWatchClient cloudWatch() {
        if (cloudWatch == null) {
            cloudWatch = CloudWatchClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        }
        return cloudWatch;
    }

    @Override
    public synchronized void close() {
        if (this == shared) {
            return; // executor-side sinks may still use it
        }
        dynamo.close();
        s3.close();
        if (cloudWatch != null) {
            cloudWatch.close();
        }
    }
}
