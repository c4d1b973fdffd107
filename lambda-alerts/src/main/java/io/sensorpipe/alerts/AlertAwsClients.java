package io.sensorpipe.alerts;

import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Duration;

/**
 * The one place AWS clients are built. Region, credentials and endpoint come from the SDK's standard chains
 * ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL[_<SERVICE>]}), so the same code talks to AWS or the local cloud.
 * The url-connection HTTP client keeps the Lambda jar small and its cold start short.
 */
public final class AlertAwsClients {
    /** Bounded calls: a hung publish must fail (and be retried) well inside the function timeout. */
    private static final ClientOverrideConfiguration BOUNDED = ClientOverrideConfiguration.builder()
            .apiCallTimeout(Duration.ofSeconds(10))
            .apiCallAttemptTimeout(Duration.ofSeconds(4))
            .build();

    private AlertAwsClients() {
    }

    public static DynamoDbClient dynamoDb() {
        return DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).overrideConfiguration(BOUNDED).build();
    }

    public static SnsClient sns() {
        return SnsClient.builder().httpClient(UrlConnectionHttpClient.create()).overrideConfiguration(BOUNDED).build();
    }

    public static DynamoDbStreamsClient dynamoDbStreams() {
        return DynamoDbStreamsClient.builder().httpClient(UrlConnectionHttpClient.create()).overrideConfiguration(BOUNDED).build();
    }

    /** SQS long polls for up to 20 s, so its call timeout is longer than the others'. */
    public static SqsClient sqs() {
        return SqsClient.builder().httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(40)).build())
                .build();
    }
}
