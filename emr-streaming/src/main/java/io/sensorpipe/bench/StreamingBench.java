package io.sensorpipe.bench;

import io.sensorpipe.job.JobAwsClients;
import io.sensorpipe.job.JobConfig;
import io.sensorpipe.job.SensorStreamingJob;
import io.sensorpipe.kinesis.KinesisClients;
import io.sensorpipe.kinesis.KinesisSourceProvider;
import io.sensorpipe.metrics.JobMetricsPublisher;
import io.sensorpipe.schema.Reading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * Not a test: measures the job against a baseline in the same run (local cloud needed for the sink).
 *
 * <pre>
 *   latency [seconds] [sensors] [ratePerSensor]  live readings into Kinesis, 1 s trigger: event time → item written
 * </pre>
 */
public final class StreamingBench {
    private static final long WINDOW_MS = 60_000;

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "latency";
        SparkSession spark = SparkSession.builder().master("local[2]").appName("sensorpipe-bench")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.streaming.stateStore.providerClass",
                        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        if (!mode.equals("latency")) {
            throw new IllegalArgumentException("mode must be latency (throughput moved to StreamBench, "
                    + "scripts/bench stream), got " + mode);
        }
        latency(spark, arg(args, 1, 60), (int) arg(args, 2, 20), (int) arg(args, 3, 5));
        spark.stop();
    }

    private static long arg(String[] args, int i, long dflt) {
        return args.length > i ? Long.parseLong(args[i]) : dflt;
    }

    // ------------------------------------------------------------------ latency

    static void latency(SparkSession spark, long seconds, int sensors, int ratePerSensor) throws Exception {
        String suffix = Long.toHexString(System.nanoTime());
        String stream = "bench-" + suffix;
        KinesisClient kinesis = KinesisClients.shared();
        kinesis.createStream(b -> b.streamName(stream).shardCount(2));
        Thread.sleep(2000);
        Path tmp = Files.createTempDirectory("bench-latency");
        try (JobAwsClients aws = new JobAwsClients()) {
            JobConfig config = new JobConfig(stream, "bench-latency-" + suffix, tmp.resolve("cp").toString(), null,
                    "", tmp.resolve("dead"), Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1),
                    Duration.ofHours(1), KinesisSourceProvider.SHORT_NAME, "TRIM_HORIZON", 0, 10_000, 2, 1, 64, null,
                    null, Duration.ZERO, "local[2]", true, JobConfig.DEFAULT_MAX_FUTURE_SKEW);
            JobMetricsPublisher metrics = new JobMetricsPublisher(null, null, null, stream);
            StreamingQuery q = SensorStreamingJob.kinesisToDynamoDb(config, aws).start(spark, metrics);
            AtomicBoolean stop = new AtomicBoolean();
            long end = System.currentTimeMillis() + seconds * 1000;
            long warmupEnd = System.currentTimeMillis() + 20_000;
            long sent = 0;
            while (System.currentTimeMillis() < end && q.exception().isEmpty()) {
                long tick = System.currentTimeMillis();
                List<PutRecordsRequestEntry> entries = new ArrayList<>();
                for (int s = 0; s < sensors; s++) {
                    for (int r = 0; r < ratePerSensor; r++) {
                        entries.add(PutRecordsRequestEntry.builder().partitionKey("lat/s" + s)
                                .data(SdkBytes.fromByteArray(Reading.of("lat/s" + s, "t", "", System.currentTimeMillis(),
                                        s + r, "").toJsonBytes())).build());
                    }
                }
                kinesis.putRecords(b -> b.streamName(stream).records(entries));
                sent += entries.size();
                if (tick < warmupEnd && System.currentTimeMillis() >= warmupEnd) {
                    metrics.resetLatencies(); // Spark's first batches (codegen, class loading) are not steady state
                    System.out.println("warm-up over");
                }
                Thread.sleep(Math.max(0, 1000 - (System.currentTimeMillis() - tick)));
            }
            stop.set(true);
            Thread.sleep(5000);
            Map<String, Object> snap = metrics.snapshot();
            SensorStreamingJob.stop(spark, q, metrics);
            System.out.printf("sent %d readings (%d sensors x %d/s for %d s); windows written %s%n", sent, sensors,
                    ratePerSensor, seconds, snap.get("windowsWritten"));
            System.out.printf("RESULT latency event time of a window's newest reading -> item in DynamoDB "
                    + "(1 s windows, 0 s watermark, 1 s trigger): p50 %d ms, p99 %d ms%n",
                    metrics.latencyPercentile(50), metrics.latencyPercentile(99));
            kinesis.deleteStream(b -> b.streamName(stream));
            aws.dynamo().deleteTable(b -> b.tableName(config.table()));
        }
    }
}
