package io.sensorpipe.producer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** The writer flags shared by the produce and bench commands; turned into one {@link ProducerConfig}. */
public final class KplOptions {
    @Option(names = "--region", description = "AWS region (default: AWS_REGION / AWS_DEFAULT_REGION).")
    String region;

    @Option(names = "--max-outstanding-records", defaultValue = "" + ProducerConfig.DEFAULT_MAX_OUTSTANDING_RECORDS,
            description = "Backpressure: sources block while this many records are unacknowledged (default ${DEFAULT-VALUE}).")
    int maxOutstandingRecords;

    @Option(names = "--max-outstanding-bytes", defaultValue = "33554432",
            description = "Backpressure bound on unacknowledged payload bytes (default ${DEFAULT-VALUE}).")
    long maxOutstandingBytes;

    @Option(names = "--max-retries", defaultValue = "3",
            description = "Re-submissions of a failed record before it goes to the failure file (default ${DEFAULT-VALUE}).")
    int maxRetries;

    @Option(names = "--record-max-buffered-time", defaultValue = "100ms", converter = Durations.class,
            description = "KPL RecordMaxBufferedTime (default ${DEFAULT-VALUE}).")
    Duration recordMaxBufferedTime;

    @Option(names = "--record-ttl", defaultValue = "30s", converter = Durations.class,
            description = "KPL RecordTtl (default ${DEFAULT-VALUE}).")
    Duration recordTtl;

    @Option(names = "--kpl-rate-limit", defaultValue = "150",
            description = "KPL RateLimit, percent of the shard limits (default ${DEFAULT-VALUE}).")
    int rateLimit;

    @Option(names = "--max-connections", defaultValue = "24", description = "KPL MaxConnections (default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--request-timeout", converter = Durations.class,
            description = "KPL RequestTimeout (default 6s; 20s for a loopback endpoint).")
    Duration requestTimeout;

    @Option(names = "--kpl-log-level", defaultValue = "warning",
            description = "KPL daemon log level: info, warning, error (default ${DEFAULT-VALUE}).")
    String kplLogLevel;

    @Option(names = "--kpl-metrics-level", defaultValue = "none",
            description = "KPL CloudWatch metrics: none, summary, detailed (default ${DEFAULT-VALUE}).")
    String metricsLevel;

    @Option(names = "--kpl-startup-wait", defaultValue = "1500ms", converter = Durations.class,
            description = "Wait after starting the KPL so it has the shard map before records arrive (it aggregates only then) (default ${DEFAULT-VALUE}).")
    Duration startupWait;

    ProducerConfig toConfig(String stream, Path failureFile, Map<String, String> env) {
        return toConfig(stream, failureFile, env, null);
    }

    /** {@code eventTimeInFlight}: the writer's order bound in event time (null: none). */
    ProducerConfig toConfig(String stream, Path failureFile, Map<String, String> env, Duration eventTimeInFlight) {
        ProducerConfig.Builder builder = ProducerConfig.builder(env);
        if (requestTimeout != null) {
            builder.requestTimeout(requestTimeout);
        }
        return builder
                .streamName(stream)
                .region(region)
                .maxOutstandingRecords(maxOutstandingRecords)
                .maxOutstandingBytes(maxOutstandingBytes)
                .maxOutstandingEventTime(eventTimeInFlight)
                .maxRetries(maxRetries)
                .recordMaxBufferedTime(recordMaxBufferedTime)
                .recordTtl(recordTtl)
                .rateLimit(rateLimit)
                .maxConnections(maxConnections)
                .kplLogLevel(kplLogLevel)
                .metricsLevel(metricsLevel)
                .startupWait(startupWait)
                .failureFile(failureFile)
                .build();
    }
}
