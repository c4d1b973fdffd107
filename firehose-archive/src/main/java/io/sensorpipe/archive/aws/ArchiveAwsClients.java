package io.sensorpipe.archive.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The one place AWS clients are built. Region, credentials and endpoints all come from the SDK's standard chains
 * ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL}, {@code AWS_ENDPOINT_URL_<SERVICE>}, ...): no endpoint in code, so the
 * same build talks to AWS or to the local cloud. Clients are created on first use and closed together. HTTP clients
 * are named explicitly because the classpath carries several (the producer brings apache5 and url-connection).
 */
public final class ArchiveAwsClients implements AutoCloseable {
    private final List<AutoCloseable> created = new ArrayList<>();
    private S3Client s3;
    private KinesisClient kinesis;
    private KinesisAsyncClient kinesisAsync;
    private DynamoDbAsyncClient dynamoAsync;
    private CloudWatchAsyncClient cloudWatchAsync;

    public synchronized S3Client s3() {
        if (s3 == null) {
            // Path-style only when an endpoint override is configured (local S3 emulators have no bucket DNS names).
            s3 = track(() -> S3Client.builder().httpClientBuilder(ApacheHttpClient.builder())
                    .forcePathStyle(endpointOverridden("S3")).build());
        }
        return s3;
    }

    public synchronized KinesisClient kinesis() {
        if (kinesis == null) {
            kinesis = track(() -> KinesisClient.builder().httpClientBuilder(ApacheHttpClient.builder()).build());
        }
        return kinesis;
    }

    /**
     * The KCL's Kinesis client. HTTP/1.1 because the bridge uses polling (GetRecords), not enhanced fan-out, so
     * HTTP/2 buys nothing, and a plain-http endpoint (kinesis-mock's plain port) only speaks HTTP/1.1.
     */
    public synchronized KinesisAsyncClient kinesisAsync() {
        if (kinesisAsync == null) {
            kinesisAsync = track(() -> KinesisAsyncClient.builder()
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1).maxConcurrency(64))
                    .build());
        }
        return kinesisAsync;
    }

    public synchronized DynamoDbAsyncClient dynamoAsync() {
        if (dynamoAsync == null) {
            dynamoAsync = track(() -> DynamoDbAsyncClient.builder().build());
        }
        return dynamoAsync;
    }

    public synchronized CloudWatchAsyncClient cloudWatchAsync() {
        if (cloudWatchAsync == null) {
            cloudWatchAsync = track(() -> CloudWatchAsyncClient.builder().build());
        }
        return cloudWatchAsync;
    }

    private static boolean endpointOverridden(String service) {
        return notBlank(System.getenv("AWS_ENDPOINT_URL_" + service)) || notBlank(System.getenv("AWS_ENDPOINT_URL"))
                || notBlank(System.getProperty("aws.endpointUrl"));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private <T extends AutoCloseable> T track(Supplier<T> factory) {
        T client = factory.get();
        created.add(client);
        return client;
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable c : created) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing on the way out; nothing useful to do with a failure here
            }
        }
        created.clear();
    }
}
