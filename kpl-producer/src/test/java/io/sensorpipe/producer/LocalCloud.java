package io.sensorpipe.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** Shared set-up of the integration tests: the local cloud's env (exported by the test command) and streams. */
final class LocalCloud {
    private LocalCloud() {
    }

    static void requireEnv() {
        for (String v : new String[] {"AWS_ENDPOINT_URL_KINESIS", "SENSORPIPE_KPL_KINESIS_ENDPOINT",
                "SENSORPIPE_KPL_STS_ENDPOINT", "AWS_REGION"}) {
            assertThat(System.getenv(v))
                    .as("%s must be set: start the local cloud and eval \"$(localstack/local-cloud.sh env)\"", v)
                    .isNotBlank();
        }
    }

    static String region() {
        return System.getenv("AWS_REGION");
    }

    static KinesisClient kinesis() {
        return AwsClients.kinesis(region());
    }

    /** A stream name no parallel test uses. */
    static String uniqueStream(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static void createStream(KinesisClient kinesis, String stream, int shards) {
        kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
        kinesis.waiter().waitUntilStreamExists(b -> b.streamName(stream));
    }

    static void deleteQuietly(KinesisClient kinesis, String stream) {
        try {
            kinesis.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true));
        } catch (RuntimeException ignored) {
            // best effort: the local cloud starts empty anyway
        }
    }
}
