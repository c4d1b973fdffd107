package io.sensorpipe.archive.cli;

import io.sensorpipe.archive.aws.ArchiveAwsClients;
import io.sensorpipe.archive.bridge.ArchiveBridge;
import io.sensorpipe.archive.bridge.BridgeConfig;
import io.sensorpipe.archive.bridge.BridgeReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/** Runs the local Firehose stand-in for a duration (or until Ctrl-C) and reports what it archived. */
@Command(name = "bridge", mixinStandardHelpOptions = true,
        description = "Consume a Kinesis stream with the KCL and write it to S3 exactly as Firehose would (local stand-in).")
final class BridgeCommand implements Callable<Integer> {
    @Option(names = "--stream", required = true, description = "Kinesis stream to archive")
    String stream;

    @Mixin
    LayoutOptions layout;

    @Option(names = "--duration", description = "run this long, then flush and stop (default: until Ctrl-C)")
    Duration duration;

    @Option(names = "--buffer-size-mb", defaultValue = "5", description = "flush at this many MiB (default: ${DEFAULT-VALUE})")
    double bufferSizeMb;

    @Option(names = "--buffer-interval", defaultValue = "60s", description = "... or after this long (default: ${DEFAULT-VALUE})")
    Duration bufferInterval;

    @Option(names = "--application-name", description = "KCL application / lease table (default: sensorpipe-archive-<stream>)")
    String applicationName;

    @Option(names = "--from-latest", description = "start a new lease table at the stream tip instead of the oldest record")
    boolean fromLatest;

    @Option(names = "--create-bucket", description = "create the bucket if it does not exist (local use)")
    boolean createBucket;

    @Option(names = "--report-file", description = "write the final counts as JSON here")
    Path reportFile;

    @Override
    public Integer call() throws Exception {
        BridgeConfig defaults = BridgeConfig.defaults(stream, layout.bucket);
        BridgeConfig config = new BridgeConfig(stream, layout.bucket, layout.layout(),
                applicationName != null ? applicationName : defaults.applicationName(),
                (long) (bufferSizeMb * 1024 * 1024), bufferInterval, !fromLatest, defaults.failover());
        try (ArchiveAwsClients clients = new ArchiveAwsClients()) {
            ensureBucket(clients, config.bucket(), createBucket);
            ArchiveBridge bridge = new ArchiveBridge(config, clients);
            CountDownLatch interrupted = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                interrupted.countDown();
                finish(bridge); // Ctrl-C: flush, checkpoint and report before the JVM exits
            });
            bridge.start();
            Runtime.getRuntime().addShutdownHook(hook);
            if (duration != null) {
                interrupted.await(duration.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } else {
                interrupted.await();
            }
            finish(bridge);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running (Ctrl-C); it has reported already
            }
            return 0;
        }
    }

    private BridgeReport report;

    /** Stops once and reports once, whether the duration ended or Ctrl-C came first. */
    private synchronized void finish(ArchiveBridge bridge) {
        if (report != null) {
            return;
        }
        report = bridge.stop(Duration.ofSeconds(60));
        if (reportFile != null) {
            try {
                report.writeTo(reportFile);
            } catch (java.io.IOException e) {
                System.err.println("bridge: cannot write report " + reportFile + ": " + e);
            }
        }
        System.out.println("bridge: " + report.summaryLine());
    }

    static void ensureBucket(ArchiveAwsClients clients, String bucket, boolean create) {
        try {
            clients.s3().headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            if (!create) {
                throw new IllegalArgumentException("bucket '" + bucket + "' does not exist (pass --create-bucket locally)");
            }
            clients.s3().createBucket(b -> b.bucket(bucket));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            if (!create) {
                throw new IllegalArgumentException("bucket '" + bucket + "' does not exist (pass --create-bucket locally)");
            }
            clients.s3().createBucket(b -> b.bucket(bucket));
        }
    }
}
