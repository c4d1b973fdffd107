package io.sensorpipe.archive.bridge;

import io.sensorpipe.contract.ArchiveLayout;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the local Firehose stand-in, validated at construction with an error naming the bad field.
 *
 * @param streamName        Kinesis stream to archive
 * @param bucket            destination bucket
 * @param layout            prefixes and object naming (the same the CDK Firehose uses)
 * @param applicationName   KCL application name = lease table name (per stream + bucket, so replays don't share leases)
 * @param bufferSizeBytes   flush a shard's buffer at this many uncompressed bytes (Firehose's SizeInMBs)
 * @param bufferInterval    ... or when its oldest record is this old (Firehose's IntervalInSeconds)
 * @param fromTrimHorizon   start a new lease table at the oldest record (true) or at the tip (false)
 * @param failover          KCL lease failover time (short locally so a restarted bridge resumes quickly)
 */
public record BridgeConfig(String streamName, String bucket, ArchiveLayout layout, String applicationName,
                           long bufferSizeBytes, Duration bufferInterval, boolean fromTrimHorizon, Duration failover) {
    public BridgeConfig {
        requireText(streamName, "streamName");
        requireText(bucket, "bucket");
        requireText(applicationName, "applicationName");
        Objects.requireNonNull(layout, "layout");
        if (bufferSizeBytes < 1024 || bufferSizeBytes > 128L * 1024 * 1024) {
            throw new IllegalArgumentException("bufferSizeBytes must be in [1 KiB, 128 MiB], got " + bufferSizeBytes);
        }
        if (bufferInterval == null || bufferInterval.isNegative() || bufferInterval.isZero()
                || bufferInterval.compareTo(Duration.ofSeconds(900)) > 0) {
            throw new IllegalArgumentException("bufferInterval must be in (0, 900s], got " + bufferInterval);
        }
        if (failover == null || failover.toMillis() < 1000) {
            throw new IllegalArgumentException("failover must be at least 1s, got " + failover);
        }
    }

    /** Defaults matching the Firehose settings, except a 60 s interval so local runs see objects sooner. */
    public static BridgeConfig defaults(String streamName, String bucket) {
        return new BridgeConfig(streamName, bucket, ArchiveLayout.defaults(), "sensorpipe-archive-" + streamName,
                5L * 1024 * 1024, Duration.ofSeconds(60), true, Duration.ofSeconds(10));
    }

    public BridgeConfig withBuffering(long sizeBytes, Duration interval) {
        return new BridgeConfig(streamName, bucket, layout, applicationName, sizeBytes, interval, fromTrimHorizon, failover);
    }

    public BridgeConfig withApplicationName(String name) {
        return new BridgeConfig(streamName, bucket, layout, name, bufferSizeBytes, bufferInterval, fromTrimHorizon, failover);
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
    }
}
