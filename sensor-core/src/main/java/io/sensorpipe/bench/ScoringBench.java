package io.sensorpipe.bench;

import io.sensorpipe.schema.Reading;
import io.sensorpipe.score.ScorerConfig;
import io.sensorpipe.score.Scorers;
import io.sensorpipe.score.SensorScorer;
import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.TumblingWindows;
import io.sensorpipe.window.Windower;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Throughput benchmark (not a test): single thread, so the numbers are per core. Baseline = windowing alone in the
 * same run; then windowing + scoring, snapshot size per sensor, and snapshot/restore cost (what a Spark state store
 * pays per sensor and micro-batch).
 *
 * <p>Usage: {@code java -cp ... io.sensorpipe.bench.ScoringBench [sensors] [windowsPerSensor] [readingsPerWindow]}
 */
public final class ScoringBench {
    private ScoringBench() {
    }

    public static void main(String[] args) {
        int sensors = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int windowsPerSensor = args.length > 1 ? Integer.parseInt(args[1]) : 2500;
        int readingsPerWindow = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        ScorerConfig config = ScorerConfig.defaults();
        List<Reading> readings = readings(sensors, windowsPerSensor, readingsPerWindow);
        System.out.printf(Locale.ROOT, "model %s%n%d sensors x %d windows x %d readings/window = %d readings, 1 thread%n",
                config.modelVersion(), sensors, windowsPerSensor, readingsPerWindow, readings.size());

        // warm the JIT on a small run first
        run(readings.subList(0, Math.min(readings.size(), 20_000)), config, true);
        Result baseline = run(readings, config, false);
        Result scored = run(readings, config, true);
        System.out.printf(Locale.ROOT, "windowing only (baseline): %,12.0f windows/s/core  (%,.0f readings/s)%n",
                baseline.windowsPerSecond(), baseline.readingsPerSecond());
        System.out.printf(Locale.ROOT, "windowing + scoring:       %,12.0f windows/s/core  = %.4f x baseline%n",
                scored.windowsPerSecond(), scored.windowsPerSecond() / baseline.windowsPerSecond());

        long total = 0;
        long max = 0;
        long snapshotNanos = 0;
        long restoreNanos = 0;
        for (SensorScorer s : scored.scorers().values()) {
            long t0 = System.nanoTime();
            byte[] bytes = s.snapshot();
            long t1 = System.nanoTime();
            Scorers.restore(config, bytes);
            long t2 = System.nanoTime();
            snapshotNanos += t1 - t0;
            restoreNanos += t2 - t1;
            total += bytes.length;
            max = Math.max(max, bytes.length);
        }
        int n = scored.scorers().size();
        System.out.printf(Locale.ROOT, "model state per sensor: mean %,d bytes, max %,d bytes (budget 65,536); "
                        + "100k sensors = %.1f GiB%n", total / n, max, total / (double) n * 100_000 / (1L << 30));
        System.out.printf(Locale.ROOT, "snapshot %.0f us, restore %.0f us per sensor%n", snapshotNanos / 1e3 / n,
                restoreNanos / 1e3 / n);
    }

    record Result(double windowsPerSecond, double readingsPerSecond, Map<String, SensorScorer> scorers) {
    }

    private static Result run(List<Reading> readings, ScorerConfig config, boolean score) {
        Windower windower = new Windower(new TumblingWindows(Duration.ofMinutes(1)), Duration.ofSeconds(10));
        Map<String, SensorScorer> scorers = new HashMap<>();
        long windows = 0;
        double checksum = 0;
        long start = System.nanoTime();
        for (Reading r : readings) {
            for (ClosedWindow w : windower.accept(r)) {
                windows++;
                checksum += score ? scorers.computeIfAbsent(w.sensorId(), id -> Scorers.create(config, id)).score(w)
                        .anomalyScore() : w.aggregate().variance();
            }
        }
        for (ClosedWindow w : windower.flush()) {
            windows++;
            checksum += score ? scorers.computeIfAbsent(w.sensorId(), id -> Scorers.create(config, id)).score(w)
                    .anomalyScore() : w.aggregate().variance();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (Double.isNaN(checksum)) {
            System.out.println("(checksum NaN)"); // keeps the work observable to the JIT
        }
        return new Result(windows / seconds, readings.size() / seconds, scorers);
    }

    /** Interleaved sensors with a daily cycle, noise and rare spikes, in event-time order. */
    static List<Reading> readings(int sensors, int windowsPerSensor, int readingsPerWindow) {
        Random random = new Random(1);
        List<Reading> out = new ArrayList<>(sensors * windowsPerSensor * readingsPerWindow);
        long t0 = 1_764_072_000_000L;
        long step = 60_000L / readingsPerWindow;
        for (int w = 0; w < windowsPerSensor; w++) {
            for (int k = 0; k < readingsPerWindow; k++) {
                for (int s = 0; s < sensors; s++) {
                    double v = 20 + s + 5 * Math.sin(2 * Math.PI * w / 1440.0) + random.nextGaussian()
                            + (random.nextInt(2000) == 0 ? 30 : 0);
                    out.add(Reading.of("site/sensor-" + s, "temperature", "site", t0 + w * 60_000L + k * step, v, "C"));
                }
            }
        }
        return out;
    }
}
