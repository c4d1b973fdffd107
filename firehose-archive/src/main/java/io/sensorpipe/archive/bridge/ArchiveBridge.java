package io.sensorpipe.archive.bridge;

import io.sensorpipe.archive.aws.ArchiveAwsClients;
import io.sensorpipe.aws.KplDeaggregation;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.leases.LeaseManagementConfig;
import software.amazon.kinesis.metrics.MetricsLevel;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.SingleStreamTracker;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

/**
 * The local stand-in for Firehose's managed Kinesis source: a KCL 3 consumer that writes the stream to S3 in
 * Firehose's layout (see {@code README.md}). Programmatic use: {@code start()}, later {@code stop()} for the report,
 * or {@code runFor(duration)}.
 */
public final class ArchiveBridge {
    private static final Logger log = LoggerFactory.getLogger(ArchiveBridge.class);

    private final BridgeConfig config;
    private final ArchiveAwsClients clients;
    private final BridgeCounters counters = new BridgeCounters();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private Scheduler scheduler;
    private Thread schedulerThread;
    private long startedAtNanos;

    public ArchiveBridge(BridgeConfig config, ArchiveAwsClients clients) {
        this.config = config;
        this.clients = clients;
    }

    public BridgeCounters counters() {
        return counters;
    }

    public synchronized void start() {
        if (scheduler != null) {
            throw new IllegalStateException("already started");
        }
        LeaseTableBootstrap.ensureLeaseTable(clients.dynamoAsync(), config.applicationName(), Duration.ofSeconds(60));
        String workerId = "bridge-" + UUID.randomUUID();
        InitialPositionInStreamExtended position = InitialPositionInStreamExtended.newInitialPosition(
                config.fromTrimHorizon() ? InitialPositionInStream.TRIM_HORIZON : InitialPositionInStream.LATEST);
        ConfigsBuilder configs = new ConfigsBuilder(new SingleStreamTracker(config.streamName(), position),
                config.applicationName(), clients.kinesisAsync(), clients.dynamoAsync(), clients.cloudWatchAsync(),
                workerId, () -> new ShardArchiver(config, clients.s3(), counters, stopping::get));

        LeaseManagementConfig leases = configs.leaseManagementConfig()
                .failoverTimeMillis(config.failover().toMillis())
                .shardSyncIntervalMillis(10_000);
        // KCL 3's worker-utilization metrics (CPU etc.) feed lease balancing; off: one local worker, no cgroup probing.
        leases.workerUtilizationAwareAssignmentConfig().disableWorkerMetrics(true);

        scheduler = new Scheduler(
                configs.checkpointConfig(),
                configs.coordinatorConfig(),
                leases,
                // the KCL's own de-aggregation drops inner records on a bad key index or hash key (see KplDeaggregation)
                configs.lifecycleConfig().aggregatorUtil(KplDeaggregation.forKcl()),
                // No CloudWatch metrics: none locally, and Firehose's own metrics cover AWS.
                configs.metricsConfig().metricsLevel(MetricsLevel.NONE).metricsFactory(new NullMetricsFactory()),
                configs.processorConfig().callProcessRecordsEvenForEmptyRecordList(true),
                // Polling (GetRecords), not enhanced fan-out: kinesis-mock may lack SubscribeToShard.
                configs.retrievalConfig().retrievalSpecificConfig(
                        new PollingConfig(config.streamName(), clients.kinesisAsync()).idleTimeBetweenReadsInMillis(500)));
        startedAtNanos = System.nanoTime();
        schedulerThread = new Thread(scheduler, "archive-bridge-scheduler");
        schedulerThread.setDaemon(true);
        schedulerThread.start();
        log.info("bridge started: stream {} -> s3://{}/{} (app {}, buffer {} bytes / {})", config.streamName(),
                config.bucket(), config.layout().prefix(), config.applicationName(), config.bufferSizeBytes(),
                config.bufferInterval());
    }

    /** Graceful shutdown: each shard flushes its buffer and checkpoints; returns what was archived. */
    public synchronized BridgeReport stop(Duration timeout) {
        if (scheduler == null) {
            throw new IllegalStateException("not started");
        }
        boolean clean;
        try {
            clean = scheduler.startGracefulShutdown().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("graceful shutdown did not finish in {}: {}", timeout, e.toString());
            clean = false;
        }
        stopping.set(true);
        if (!clean) {
            scheduler.shutdown();
        }
        try {
            schedulerThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long runMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAtNanos);
        BridgeReport report = BridgeReport.of(config, counters, runMillis, clean);
        log.info("bridge stopped: {}", report.summaryLine());
        return report;
    }

    /** Runs for {@code duration}, then stops gracefully. */
    public BridgeReport runFor(Duration duration) throws InterruptedException {
        start();
        Thread.sleep(duration.toMillis());
        return stop(Duration.ofSeconds(60));
    }
}
