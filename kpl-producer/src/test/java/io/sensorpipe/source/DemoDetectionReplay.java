package io.sensorpipe.source;

import io.sensorpipe.backtest.DetectionCounts;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.score.ScorerConfig;
import io.sensorpipe.score.Scorers;
import io.sensorpipe.score.SensorScorer;
import io.sensorpipe.score.Silence;
import io.sensorpipe.score.WindowScore;
import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.TumblingWindows;
import io.sensorpipe.window.Windower;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo ({@code scripts/pipeline}) without the cloud: the same seeded simulator writes (warm-up + 10 %) windows of
 * history and then the live part, every reading goes through sensor-core's windowing and the default detector, a
 * sensor gone silent is flagged by the job's rule ({@link Silence}) as event time passes, up to the pipeline's
 * end-of-input marker, and the run is counted by the pipeline summary's own rule ({@link DetectionCounts}). Seconds
 * instead of the demo's minutes, so the simulator and the detector can be iterated on offline.
 *
 * <pre>java [-DliveFrom=epoch-ms] [-Dlive=PT10M] -cp ... io.sensorpipe.source.DemoDetectionReplay [seed ...]</pre>
 */
public final class DemoDetectionReplay {
    /** Defaults of scripts/pipeline: 20 sensors, one reading per sensor per second, 5-second windows, 2 minutes. */
    static final int SENSORS = 20;
    static final Duration WINDOW = Duration.ofSeconds(5);
    /** scripts/pipeline's --watermark: the job's watermark is this far behind the newest event time. */
    static final Duration WATERMARK = Duration.ofSeconds(30);
    static final Duration LIVE = Duration.parse(System.getProperty("live", "PT2M")); // -Dlive=PT10M for a longer look
    static final double ANOMALY_RATE = 0.002;

    /** The counts of one replay, as the pipeline's summary line counts them. */
    record Result(long seed, DetectionCounts counts, List<DetectionCounts.Flag> silences,
                  List<DetectionCounts.Label> labels) {
        String summary() {
            return "seed=" + seed + " " + counts.summaryPart() + " silences=" + silences.size();
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
        TumblingWindows windows = new TumblingWindows(WINDOW);
        Windower windower = new Windower(windows, Duration.ZERO);
        Detection detection = new Detection(config, windows);
        long judgedUpTo = Long.MIN_VALUE;
        while (true) {
            Reading r = sim.next();
            if (r.ts() >= liveEnd) {
                break;
            }
            detection.heard(r);
            for (ClosedWindow w : windower.accept(r)) {
                detection.score(w);
            }
            // the job's watermark (windows here close at the newest event time: the same windows, no reading is late)
            long watermark = windower.watermark() - WATERMARK.toMillis();
            if (windows.startOf(watermark) != judgedUpTo) { // the silence rule can only change at a window's end
                judgedUpTo = windows.startOf(watermark);
                detection.judgeSilences(watermark);
            }
        }
        for (ClosedWindow w : windower.flush()) {
            detection.score(w);
        }
        // the pipeline's end-of-input marker: the job's watermark passes the live end by a window and a second
        detection.judgeSilences(liveEnd + WINDOW.toMillis() + 1_000);
        List<DetectionCounts.Label> truth = labels.stream().map(l -> new DetectionCounts.Label(l.sensorId(),
                l.kind().name(), l.startTs(), l.endTs())).toList();
        return new Result(seed, DetectionCounts.match(truth, detection.flags, liveFrom, liveEnd),
                List.copyOf(detection.silences), truth);
    }

    /** The job's detection without Spark: each sensor's model scores its closed windows; silences judged as the job does. */
    private static final class Detection {
        private final ScorerConfig config;
        private final TumblingWindows windows;
        private final Map<String, SensorScorer> scorers = new HashMap<>();
        /** Each heard sensor's newest event time, until its silence is judged (then again once it is heard). */
        private final Map<String, Long> unjudged = new HashMap<>();
        private final Map<String, Long> newest = new HashMap<>();
        final List<DetectionCounts.Flag> flags = new ArrayList<>();
        final List<DetectionCounts.Flag> silences = new ArrayList<>();
        /** Sensors whose silence was flagged and which have not closed a window since. */
        private final Set<String> flaggedSilent = new HashSet<>();

        Detection(ScorerConfig config, TumblingWindows windows) {
            this.config = config;
            this.windows = windows;
        }

        void heard(Reading r) {
            long before = newest.getOrDefault(r.sensorId(), Long.MIN_VALUE);
            if (r.ts() > before) { // as the job: only a newer reading starts a new silence (a late one does not)
                newest.put(r.sensorId(), r.ts());
                unjudged.put(r.sensorId(), r.ts());
            }
        }

        void score(ClosedWindow w) {
            SensorScorer s = scorers.computeIfAbsent(w.sensorId(), id -> Scorers.create(config, id));
            WindowScore score = s.score(w);
            if (flaggedSilent.remove(w.sensorId())) { // as the job: the first window after a flagged silence
                score = Silence.afterFlaggedSilence(score);
            }
            if (score.anomaly()) {
                flags.add(new DetectionCounts.Flag(w.sensorId(), w.windowStart(), w.windowEnd(),
                        score.detector().name()));
            }
        }

        /** As the job: once the watermark passes {@link Silence#dueAt}, the model (unchanged since its last close) decides. */
        void judgeSilences(long watermark) {
            for (var it = unjudged.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Long> e = it.next();
                if (!Silence.due(windows, e.getValue(), watermark)) {
                    continue;
                }
                it.remove();
                SensorScorer s = scorers.get(e.getKey());
                if (s != null && s.flagsSilence()) {
                    long start = Silence.flaggedWindowStart(windows, e.getValue());
                    DetectionCounts.Flag silence = new DetectionCounts.Flag(e.getKey(), start, windows.endOf(start),
                            Silence.DETECTOR.name());
                    flags.add(silence);
                    silences.add(silence);
                    flaggedSilent.add(e.getKey());
                }
            }
        }
    }

    public static void main(String[] args) {
        long[] seeds = args.length == 0 ? new long[] {42, 1, 2} : java.util.Arrays.stream(args)
                .mapToLong(Long::parseLong).toArray();
        long liveFrom = Long.parseLong(System.getProperty("liveFrom", "1764072000000"));
        for (long seed : seeds) {
            Result r = run(seed, liveFrom);
            System.out.println(r.summary());
            r.counts().missedLines(liveFrom + LIVE.toMillis()).forEach(l -> System.out.println("  " + l));
            r.counts().falseAlarmLines().forEach(l -> System.out.println("  " + l));
        }
    }
}
