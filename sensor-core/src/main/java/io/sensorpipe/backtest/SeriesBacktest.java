package io.sensorpipe.backtest;

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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays one series through the same {@link Windower} and {@link SensorScorer} the streaming job uses; every row gets
 * the score of the window it falls in (known as soon as that window closes).
 */
final class SeriesBacktest {
    /** Intervals looked at to derive the window size: only the series' beginning, like a live sensor's first hours. */
    static final int INTERVALS_FOR_WINDOW_SIZE = 100;

    /** {@code flags} counts flagged windows by the detector that fired (index = {@link Detector#ordinal()}). */
    record Result(double[] scores, long windows, long late, long windowSizeMillis, long[] flags) {
    }

    private SeriesBacktest() {
    }

    /**
     * Window size = the median sampling interval of the series' first readings (so a 5-minute series gets
     * 5-minute windows holding one reading each), or {@code fixed} when given.
     */
    static Duration windowSizeFor(long[] ts, Duration fixed) {
        if (fixed != null) {
            return fixed;
        }
        int n = Math.min(ts.length - 1, INTERVALS_FOR_WINDOW_SIZE);
        long[] gaps = new long[Math.max(0, n)];
        int k = 0;
        for (int i = 0; i < n; i++) {
            long gap = ts[i + 1] - ts[i];
            if (gap > 0) {
                gaps[k++] = gap;
            }
        }
        if (k == 0) {
            return TumblingWindows.DEFAULT_SIZE;
        }
        Arrays.sort(gaps, 0, k);
        return Duration.ofMillis(gaps[k / 2]);
    }

    static Result run(String sensorId, long[] ts, double[] values, ScorerConfig config, Duration windowSize,
                      Duration allowedLateness) {
        Duration size = windowSizeFor(ts, windowSize);
        TumblingWindows windows = new TumblingWindows(size);
        Windower windower = new Windower(windows, allowedLateness);
        SensorScorer scorer = Scorers.create(config, sensorId);
        Map<Long, Double> scoreByWindowStart = new HashMap<>();
        long[] flags = new long[Detector.values().length];
        long windowCount = 0;
        for (int i = 0; i < ts.length; i++) {
            windowCount += scoreAll(windower.accept(Reading.of(sensorId, "nab", "", ts[i], values[i], "")), scorer,
                    scoreByWindowStart, flags);
        }
        windowCount += scoreAll(windower.flush(), scorer, scoreByWindowStart, flags);
        double[] scores = new double[ts.length];
        for (int i = 0; i < ts.length; i++) {
            scores[i] = scoreByWindowStart.getOrDefault(windows.startOf(ts[i]), 0.0);
        }
        return new Result(scores, windowCount, windower.lateCount(), size.toMillis(), flags);
    }

    private static int scoreAll(List<ClosedWindow> closed, SensorScorer scorer, Map<Long, Double> out, long[] flags) {
        for (ClosedWindow w : closed) {
            WindowScore s = scorer.score(w);
            out.put(w.windowStart(), s.anomalyScore());
            if (s.anomaly()) {
                flags[s.detector().ordinal()]++;
            }
        }
        return closed.size();
    }
}
