package io.sensorpipe.source;

import io.sensorpipe.schema.Reading;
import io.sensorpipe.score.Detector;
import io.sensorpipe.score.ScorerConfig;
import io.sensorpipe.score.Scorers;
import io.sensorpipe.score.SensorScorer;
import io.sensorpipe.score.WindowScore;
import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.TumblingWindows;
import io.sensorpipe.window.Windower;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo ({@code scripts/pipeline}) without the cloud: the same seeded simulator writes (warm-up + 10 %) windows of
 * history and then the live part, every reading goes through sensor-core's windowing and the default detector, and the
 * live part is counted as the pipeline's summary counts it (a label overlapping the live part is labelled; it is
 * detected when an anomalous window of its sensor overlaps it; an anomalous live window overlapping no label is a
 * false alarm). Seconds instead of the demo's minutes, so the simulator and the detector can be iterated on offline.
 *
 * <pre>java -cp ... io.sensorpipe.source.DemoDetectionReplay [seed ...]</pre>
 */
public final class DemoDetectionReplay {
    /** Defaults of scripts/pipeline: 20 sensors, one reading per sensor per second, 5-second windows, 2 minutes. */
    static final int SENSORS = 20;
    static final Duration WINDOW = Duration.ofSeconds(5);
    static final Duration LIVE = Duration.ofMinutes(2);
    static final double ANOMALY_RATE = 0.002;

    /** The counts of one replay, plus the labels and flags behind them. */
    record Result(long seed, int labelled, int detected, int falseAlarms, Map<Detector, Integer> byDetector,
                  List<String> missed, List<String> falseAlarmWindows) {
        String summary() {
            StringBuilder by = new StringBuilder();
            byDetector.forEach((d, n) -> by.append(by.length() == 0 ? "" : ",").append(d).append(':').append(n));
            return String.format(Locale.ROOT, "seed=%d labelled=%d detected=%d false_alarms=%d by_detector=%s",
                    seed, labelled, detected, falseAlarms, by);
        }
    }

    private DemoDetectionReplay() {
    }

    static Result run(long seed, long liveFrom) {
        ScorerConfig config = ScorerConfig.defaults();
        int warmup = config.warmupWindows();
        Duration history = WINDOW.multipliedBy(warmup + (long) Math.ceil(warmup * 0.1));
        long liveEnd = liveFrom + LIVE.toMillis();
        List<AnomalyLabel> labels = new ArrayList<>();
        Simulator sim = new Simulator(Simulator.Settings.forRate(SENSORS, seed, liveFrom - history.toMillis(), SENSORS,
                ANOMALY_RATE), labels::add);
        Windower windower = new Windower(new TumblingWindows(WINDOW), Duration.ZERO);
        Map<String, SensorScorer> scorers = new HashMap<>();
        List<ClosedWindow> flagged = new ArrayList<>();
        Map<ClosedWindow, Detector> detectors = new HashMap<>();
        while (true) {
            Reading r = sim.next();
            if (r.ts() >= liveEnd) {
                break;
            }
            for (ClosedWindow w : windower.accept(r)) {
                score(config, scorers, w, flagged, detectors);
            }
        }
        for (ClosedWindow w : windower.flush()) {
            score(config, scorers, w, flagged, detectors);
        }
        int labelled = 0;
        int detected = 0;
        List<String> missed = new ArrayList<>();
        List<ClosedWindow> live = flagged.stream().filter(w -> w.windowEnd() > liveFrom && w.windowStart() < liveEnd)
                .toList();
        for (AnomalyLabel l : labels) {
            if (l.endTs() >= liveFrom && l.startTs() < liveEnd) {
                labelled++;
                if (live.stream().anyMatch(w -> overlaps(w, l))) {
                    detected++;
                } else {
                    missed.add(l.kind() + " " + l.sensorId() + " " + (l.endTs() - l.startTs()) / 1000 + "s mag "
                            + String.format(Locale.ROOT, "%.2f", l.magnitude()));
                }
            }
        }
        int falseAlarms = 0;
        List<String> falseAlarmWindows = new ArrayList<>();
        Map<Detector, Integer> by = new EnumMap<>(Detector.class);
        for (ClosedWindow w : live) {
            by.merge(detectors.get(w), 1, Integer::sum);
            if (labels.stream().noneMatch(l -> overlaps(w, l))) {
                falseAlarms++;
                falseAlarmWindows.add(detectors.get(w) + " " + w.sensorId() + " +" + (w.windowStart() - liveFrom) / 1000
                        + "s mean " + String.format(Locale.ROOT, "%.3f", w.aggregate().mean()));
            }
        }
        return new Result(seed, labelled, detected, falseAlarms, by, missed, falseAlarmWindows);
    }

    private static boolean overlaps(ClosedWindow w, AnomalyLabel l) {
        return w.sensorId().equals(l.sensorId()) && w.windowStart() <= l.endTs() && w.windowEnd() > l.startTs();
    }

    private static void score(ScorerConfig config, Map<String, SensorScorer> scorers, ClosedWindow w,
                              List<ClosedWindow> flagged, Map<ClosedWindow, Detector> detectors) {
        SensorScorer s = scorers.computeIfAbsent(w.sensorId(), id -> Scorers.create(config, id));
        WindowScore score = s.score(w);
        if (score.anomaly()) {
            flagged.add(w);
            detectors.put(w, score.detector());
        }
    }

    public static void main(String[] args) {
        long[] seeds = args.length == 0 ? new long[] {42, 1, 2} : java.util.Arrays.stream(args)
                .mapToLong(Long::parseLong).toArray();
        long liveFrom = Long.parseLong(System.getProperty("liveFrom", "1764072000000"));
        for (long seed : seeds) {
            Result r = run(seed, liveFrom);
            System.out.println(r.summary());
            r.missed().forEach(m -> System.out.println("  missed " + m));
            r.falseAlarmWindows().forEach(m -> System.out.println("  false alarm " + m));
        }
    }
}
