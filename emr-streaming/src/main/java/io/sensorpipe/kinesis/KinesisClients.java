package io.sensorpipe.kinesis;

import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * One Kinesis client per JVM (driver and each executor), built lazily because SDK clients are not serializable.
 * Endpoint, region and credentials come from the SDK's default chains.
 */
public final class KinesisClients {
    private static final ConcurrentHashMap<String, KinesisClient> CLIENTS = new ConcurrentHashMap<>();

    private KinesisClients() {
    }

    public static KinesisClient shared() {
        return CLIENTS.computeIfAbsent("default", k -> KinesisClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build());
    }
}
