package io.sensorpipe.cli.pipeline;

import static io.sensorpipe.contract.JobOptions.CHECKPOINT;
import static io.sensorpipe.contract.JobOptions.DEAD_LETTER_BUCKET;
import static io.sensorpipe.contract.JobOptions.DEAD_LETTER_PREFIX;
import static io.sensorpipe.contract.JobOptions.INITIAL_POSITION;
import static io.sensorpipe.contract.JobOptions.MASTER;
import static io.sensorpipe.contract.JobOptions.MAX_FUTURE_SKEW;
import static io.sensorpipe.contract.JobOptions.METRICS_FILE;
import static io.sensorpipe.contract.JobOptions.SHUFFLE_PARTITIONS;
import static io.sensorpipe.contract.JobOptions.STREAM;
import static io.sensorpipe.contract.JobOptions.TABLE;
import static io.sensorpipe.contract.JobOptions.TRIGGER;
import static io.sensorpipe.contract.JobOptions.WATERMARK;
import static io.sensorpipe.contract.JobOptions.WINDOW;

import io.sensorpipe.cli.resources.ResourceNames;
import io.sensorpipe.contract.JobOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command lines of the four components, in one place: each module's own CLI (see its {@code scripts/} entry:
 * {@code produce}, {@code stream-job}, {@code archive bridge}, {@code alerts run-local}). The streaming job's flags
 * are spelled by {@link JobOptions}, the job's own parser's constants.
 */
final class ComponentCommands {
    static final String PRODUCER_MAIN = "io.sensorpipe.producer.ProducerCommand";
    static final String STREAMING_MAIN = JobOptions.MAIN_CLASS;
    static final String ARCHIVE_MAIN = "io.sensorpipe.archive.cli.ArchiveCli";
    static final String ALERTS_MAIN = "io.sensorpipe.alerts.cli.AlertsCli";

    private ComponentCommands() {
    }

    static List<String> smallJvm() {
        return List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    }

    static List<String> streamingJvm(LocalPipelineConfig c) {
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g"));
        if (c.sparkJavaOpts() != null && !c.sparkJavaOpts().isBlank()) {
            jvm.addAll(Arrays.asList(c.sparkJavaOpts().trim().split("\\s+")));
        }
        return jvm;
    }

    static List<String> producerArgs(LocalPipelineConfig c, ResourceNames n, Path report) {
        List<String> args = new ArrayList<>(List.of("--stream", n.stream(), "--sensors", Integer.toString(c.sensors()),
                "--duration", c.duration().toSeconds() + "s", "--report-file", report.toString(),
                "--run-dir", c.runDir().resolve("producer").toAbsolutePath().toString(),
                "--progress-interval", "2"));
        if (c.rate() != null) {
            args.addAll(List.of("--rate", Double.toString(c.rate())));
        }
        args.addAll(List.of("--seed", Long.toString(c.seed())));
        return args;
    }

    /**
     * The producer's arguments with warm-start history: the live part starts at {@code liveFrom} (the pipeline
     * counts detections from there) and the {@link LocalPipelineConfig#history()} before it is written first.
     */
    static List<String> producerArgs(LocalPipelineConfig c, ResourceNames n, Path report, long liveFrom) {
        List<String> args = new ArrayList<>(producerArgs(c, n, report));
        if (!c.history().isZero()) {
            args.addAll(List.of("--start", Long.toString(liveFrom), "--history", c.history().toMillis() + "ms",
                    "--max-disorder", historyDisorder(c).toMillis() + "ms"));
        }
        return args;
    }

    /**
     * How far out of event-time order the producer may let the history reach a shard: the KPL keeps no order within a
     * shard (parallel requests, retries after timeouts), and the history, compressed ~20-80x, once reached the shards
     * up to ~1000 s of event time out of order, far beyond the job's watermark, so half of it was late. The producer
     * bounds the event time it has in flight to keep it within this part of the pipeline's watermark.
     */
    static Duration historyDisorder(LocalPipelineConfig c) {
        return io.sensorpipe.contract.JobOptions.producerDisorderWithin(c.watermark());
    }

    /**
     * Spark local mode, windows of {@code --window}, and the job's default detector (the benchmarked one, warm-up
     * included: the producer's history warms the models up instead). The checkpoint is the run's own (local
     * directory): a new run starts fresh on its new stream.
     */
    static List<String> streamingArgs(LocalPipelineConfig c, ResourceNames n, Path metrics) {
        long windowSeconds = Math.max(1, c.window().toSeconds());
        return List.of(STREAM, n.stream(), TABLE, n.resultsTable(),
                CHECKPOINT, c.runDir().resolve("checkpoint").toAbsolutePath().toString(),
                DEAD_LETTER_BUCKET, n.checkpointBucket(), DEAD_LETTER_PREFIX, c.deadLetterPrefix(),
                WINDOW, windowSeconds + "s", WATERMARK, c.watermark().toMillis() + "ms", TRIGGER, "2s",
                INITIAL_POSITION, "TRIM_HORIZON",
                SHUFFLE_PARTITIONS, "2", METRICS_FILE, metrics.toString(), MASTER, "local[2]",
                MAX_FUTURE_SKEW, maxFutureSkew(c).toSeconds() + "s");
    }

    /**
     * How far past the live part's end the end-of-input marker ({@link PipelineRun#WATERMARK_FLUSH_SENSOR}) is: a
     * window plus the allowed lateness plus a second, so the watermark it sets closes every produced window, yet
     * stays short of the second window after a sensor's last one: the job flags a sensor that usually reports in every
     * window as silent once event time passes that (see SensorStateFunction), which must not happen to every sensor
     * because the run ended.
     */
    static Duration watermarkFlushLead(LocalPipelineConfig c) {
        return c.window().plus(c.watermark()).plusSeconds(1);
    }

    /**
     * The job's {@code --max-future-skew}: its default (60 s) unless the flush marker needs more, with a margin,
     * so the marker is never dead-lettered as out of range.
     */
    static Duration maxFutureSkew(LocalPipelineConfig c) {
        Duration needed = watermarkFlushLead(c).plusSeconds(30);
        Duration skew = needed.compareTo(DEFAULT_MAX_FUTURE_SKEW) > 0 ? needed : DEFAULT_MAX_FUTURE_SKEW;
        return Duration.ofSeconds(skew.toSeconds() + (skew.toNanosPart() > 0 ? 1 : 0));
    }

    /** The streaming job's default {@code --max-future-skew}. */
    static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofSeconds(60);

    static List<String> archiveArgs(LocalPipelineConfig c, ResourceNames n, Path report) {
        return List.of("bridge", "--stream", n.stream(), "--bucket", n.archiveBucket(),
                "--delivery-stream-name", c.deliveryStreamName(), "--application-name", c.archiveApplicationName(),
                "--buffer-interval", "5s", "--report-file", report.toString());
    }

    static List<String> alertsArgs(LocalPipelineConfig c, ResourceNames n, String topicArn, Path report) {
        long seconds = alertsRunSeconds(c);
        return List.of("run-local", "--table", n.resultsTable(), "--topic-arn", topicArn,
                "--state-table", n.alertStateTable(), "--starting-position", "LATEST",
                "--duration", seconds + "s", "--report-file", report.toString());
    }

    /**
     * A cap only: the pipeline stops the runner once it handled every anomalous window (it counts the runner's
     * alert_sent / alert_suppressed log events, see {@link AlertLogCounts}).
     */
    static long alertsRunSeconds(LocalPipelineConfig c) {
        // with history, the producer starts after the streaming job is up and writes the history first
        long history = c.history().isZero() ? 0 : 600;
        return c.duration().toSeconds() + c.drainTimeout().toSeconds() + 300 + history;
    }
}
