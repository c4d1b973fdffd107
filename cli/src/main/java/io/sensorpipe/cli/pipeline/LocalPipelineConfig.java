package io.sensorpipe.cli.pipeline;

import io.sensorpipe.cli.resources.ResourceNames;
import io.sensorpipe.score.ScorerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One local pipeline run, validated at start (errors name the flag).
 *
 * @param runId          UTC timestamp naming the run's stream, queue, archive objects and run directory
 * @param names          the resources (the stream is the run's own unless --stream was given)
 * @param duration       how long the producer runs
 * @param sensors        simulated sensors
 * @param rate           readings per second over all sensors, or null for one per sensor per second
 * @param window         window size of the streaming job
 * @param watermark      allowed lateness of the streaming job
 * @param drainTimeout   longest wait, after the producer stopped, for the others to catch up
 * @param progressEvery  interval of the progress lines
 * @param root           repository root (module classpaths)
 * @param runDir         logs, reports and metrics of this run
 * @param sparkJavaOpts  the --add-opens flags Spark needs on Java 17
 * @param keepStream     keep the run's stream at the end (it is deleted by default)
 * @param seed           the simulator's seed (readings and labelled anomalies)
 * @param history        event time the producer writes before the live part so the models learn first (zero: none)
 */
public record LocalPipelineConfig(String runId, ResourceNames names, Duration duration, int sensors, Double rate,
                             Duration window, Duration watermark, Duration drainTimeout, Duration progressEvery, Path root, Path runDir,
                             String sparkJavaOpts, boolean keepStream, long seed, Duration history) {
    /** The default seed and the warm-start history the detector's defaults need ({@link #warmStartHistory}). */
    public LocalPipelineConfig(String runId, ResourceNames names, Duration duration, int sensors, Double rate,
                               Duration window, Duration watermark, Duration drainTimeout, Duration progressEvery,
                               Path root, Path runDir, String sparkJavaOpts, boolean keepStream) {
        this(runId, names, duration, sensors, rate, window, watermark, drainTimeout, progressEvery, root, runDir,
                sparkJavaOpts, keepStream, DEFAULT_SEED, warmStartHistory(window));
    }

    public static final long DEFAULT_SEED = 42;

    /**
     * Where the live part starts when the pipeline starts it at {@code now}: with history, at the window boundary at
     * or before now, so a live part of whole windows ends on a boundary. Otherwise the producer's last window would
     * hold only the readings sent before it stopped, and the detector rightly flags a sensor that sends two readings
     * instead of five: an anomaly the demo made, not one the simulator labelled. Without history the producer starts
     * its readings at its own clock, so the live part starts now.
     */
    public long liveFrom(long now) {
        if (history.isZero()) {
            return now;
        }
        long size = window.toMillis();
        return Math.floorDiv(now, size) * size;
    }

    /**
     * Extra windows of history beyond the detector's warm-up, as a fraction of it: a dropout leaves a sensor without
     * windows for up to a minute, so a bare warm-up's worth of history would leave some sensors still learning.
     */
    static final double WARM_START_MARGIN = 0.1;

    /**
     * History long enough for every sensor's model to be past the warm-up of the job's default detector
     * ({@link ScorerConfig#defaults()}) when the live part starts: (warm-up windows + margin) x window size.
     */
    public static Duration warmStartHistory(Duration window) {
        int warmup = ScorerConfig.defaults().warmupWindows(window.toMillis());
        long windows = warmup + (long) Math.ceil(warmup * WARM_START_MARGIN);
        return window.multipliedBy(windows);
    }

    public LocalPipelineConfig {
        if (history == null || history.isNegative()) {
            throw new IllegalArgumentException("--history must not be negative, was " + history);
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("--duration must be in (0, 24h], was " + duration);
        }
        if (sensors < 1 || sensors > 10_000) {
            throw new IllegalArgumentException("--sensors must be in 1..10000, was " + sensors);
        }
        if (rate != null && !(rate > 0 && rate <= 100_000)) {
            throw new IllegalArgumentException("--rate must be in (0, 100000] readings/s, was " + rate);
        }
        if (window.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--window must be at least 1s, was " + window);
        }
        if (watermark.isNegative()) {
            throw new IllegalArgumentException("--watermark must not be negative, was " + watermark);
        }
        if (window.plus(watermark).compareTo(MAX_WINDOW_PLUS_WATERMARK) > 0) {
            // the end-of-input marker runs this far ahead of the clock; the job accepts at most 1 h of future skew
            throw new IllegalArgumentException("--window plus --watermark must be at most "
                    + MAX_WINDOW_PLUS_WATERMARK.toMinutes() + " min, was " + window.plus(watermark));
        }
        if (drainTimeout.isNegative() || drainTimeout.isZero()) {
            throw new IllegalArgumentException("--drain-timeout must be positive, was " + drainTimeout);
        }
        if (progressEvery.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--progress-every must be at least 1s, was " + progressEvery);
        }
        if (!Files.isDirectory(root.resolve("sensor-core"))) {
            throw new IllegalArgumentException("--root " + root + " is not the sensorpipe repository");
        }
        names.validated();
    }

    static final Duration MAX_WINDOW_PLUS_WATERMARK = Duration.ofMinutes(55);

    /** The bridge writes objects named like Firehose's, {@code <deliveryStream>-1-...}: this run's own name. */
    public String deliveryStreamName() {
        return "sensorpipe-run-" + runId;
    }

    /** Where this run's streaming job writes its dead letters (in {@link ResourceNames#checkpointBucket()}). */
    public String deadLetterPrefix() {
        return "dead-letters/run-" + runId + "/";
    }

    public String runQueueName() {
        return "sensorpipe-run-" + runId + "-alerts";
    }

    public String archiveApplicationName() {
        return "sensorpipe-archive-run-" + runId;
    }
}
