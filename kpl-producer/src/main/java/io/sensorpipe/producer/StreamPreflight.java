package io.sensorpipe.producer;

import io.sensorpipe.aws.AwsErrors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Checks at start what would otherwise surface only as a stream of KPL timeouts: the stream exists and is
 * active, and the endpoints answer. Each problem is a {@link ConfigException} naming the flag or variable.
 */
public final class StreamPreflight {
    private StreamPreflight() {
    }

    /** Checks the stream (creating it with {@code shards} shards when missing and {@code create} is set). */
    public static StreamDescriptionSummary checkStream(KinesisClient kinesis, ProducerConfig config, boolean create,
                                                       int shards, Map<String, String> env) {
        String stream = config.streamName();
        try {
            try {
                return waitActive(kinesis, stream);
            } catch (ResourceNotFoundException e) {
                if (!create) {
                    throw new ConfigException("stream", "stream '" + stream + "' does not exist in " + config.region()
                            + " at " + sdkEndpoint(env) + "; create it or pass --create-stream");
                }
                kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
                return waitActive(kinesis, stream);
            }
        } catch (SdkClientException e) {
            throw new ConfigException("endpoint", "cannot reach Kinesis at " + sdkEndpoint(env) + " (region "
                    + config.region() + "): " + rootMessage(e) + "; " + AwsErrors.LOCAL_CLOUD_FIX, e);
        } catch (ConfigException e) {
            throw e;
        } catch (SdkException e) {
            throw new ConfigException("stream", "cannot use stream '" + stream + "' at " + sdkEndpoint(env) + ": "
                    + rootMessage(e), e);
        }
    }

    private static StreamDescriptionSummary waitActive(KinesisClient kinesis, String stream) {
        for (int i = 0; ; i++) {
            StreamDescriptionSummary s = kinesis.describeStreamSummary(b -> b.streamName(stream))
                    .streamDescriptionSummary();
            if (s.streamStatus() == StreamStatus.ACTIVE || s.streamStatus() == StreamStatus.UPDATING) {
                return s;
            }
            if (s.streamStatus() == StreamStatus.DELETING || i > 120) {
                throw new ConfigException("stream", "stream '" + stream + "' is " + s.streamStatus());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConfigException("stream", "interrupted while waiting for '" + stream + "' to be active");
            }
        }
    }

    /** The KPL daemon reports unreachable endpoints only as per-record timeouts; a TCP connect says it up front. */
    public static void checkKplEndpoints(ProducerConfig config) {
        checkReachable(config.kplKinesisEndpoint());
        checkReachable(config.kplStsEndpoint());
    }

    private static void checkReachable(Optional<KplEndpoint> endpoint) {
        if (endpoint.isEmpty()) {
            return; // real AWS: the SDK check above already proved the network path
        }
        KplEndpoint e = endpoint.get();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(e.host(), e.port()), 3000);
        } catch (IOException ex) {
            throw new ConfigException(e.source(), "cannot connect to " + e.url() + ": " + ex.getMessage() + "; "
                    + AwsErrors.LOCAL_CLOUD_FIX);
        }
    }

    static String sdkEndpoint(Map<String, String> env) {
        for (String v : new String[] {"AWS_ENDPOINT_URL_KINESIS", "AWS_ENDPOINT_URL"}) {
            if (env.get(v) != null && !env.get(v).isBlank()) {
                return env.get(v) + " (from " + v + ")";
            }
        }
        return "the AWS Kinesis endpoint";
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c == t ? t.getMessage() : t.getMessage() + " — " + c.getClass().getSimpleName() + ": " + c.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
