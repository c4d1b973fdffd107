package io.sensorpipe.job;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The job's AWS clients, built in one place with the url-connection HTTP client (no netty next to Spark's).
 * Endpoints, region and credentials come from the SDK's default chains ({@code AWS_ENDPOINT_URL[_SERVICE]}, ...).
 */
public final class AwsClients implements AutoCloseable {
    private final DynamoDbClient dynamo;
    private final S3Client s3;
    private CloudWatchClient cloudWatch;

    public AwsClients() {
        this.dynamo = DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        // An endpoint override (local cloud) serves buckets by path, not by virtual host names.
        boolean endpointOverride = System.getenv("AWS_ENDPOINT_URL") != null
                || System.getenv("AWS_ENDPOINT_URL_S3") != null;
        this.s3 = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .forcePathStyle(endpointOverride).build();
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
        dynamo.close();
        s3.close();
        if (cloudWatch != null) {
            cloudWatch.close();
        }
    }
}
