package io.sensorpipe.producer;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.kinesis.producer.IKinesisProducer;
import software.amazon.kinesis.producer.KinesisProducer;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;

/**
 * The one place AWS clients are built. SDK v2 clients take their endpoint from the SDK's standard variables
 * ({@code AWS_ENDPOINT_URL_KINESIS}, {@code AWS_ENDPOINT_URL}) by themselves; the KPL's endpoints come from
 * {@link KplEndpoints} through {@link ProducerConfig}.
 */
public final class ProducerAwsClients {
    private ProducerAwsClients() {
    }

    /** SDK v2 Kinesis client with short timeouts, so an unreachable endpoint fails fast at start. */
    public static KinesisClient kinesis(String region, ExecutionInterceptor... interceptors) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .apiCallTimeout(Duration.ofSeconds(90))
                .apiCallAttemptTimeout(Duration.ofSeconds(30));
        for (ExecutionInterceptor interceptor : interceptors) {
            override.addExecutionInterceptor(interceptor);
        }
        return KinesisClient.builder()
                .region(Region.of(region))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(3))
                        .maxConnections(16))
                .overrideConfiguration(override.build())
                .build();
    }

    /** Starts the KPL daemon with {@code configuration}. */
    public static IKinesisProducer kplProducer(KinesisProducerConfiguration configuration) {
        return new KinesisProducer(configuration);
    }
}
