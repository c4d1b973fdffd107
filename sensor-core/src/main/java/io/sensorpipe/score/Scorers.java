package io.sensorpipe.score;

import io.sensorpipe.window.ClosedWindow;

/** Creates and restores per-sensor scorers; the one place that picks the model implementation. */
public final class Scorers {
    private Scorers() {
    }

    public static SensorScorer create(ScorerConfig config, String sensorId) {
        return new TrcfEnsembleScorer(config, sensorId);
    }

    /**
     * A new scorer that has learnt from {@code history} (past windows of this sensor, in window order) without
     * flagging any: once history covers {@link ScorerConfig#warmupWindows(long)} (of its window size), the next live
     * window is judged by the trained detector.
     */
    public static SensorScorer warmStart(ScorerConfig config, String sensorId, Iterable<ClosedWindow> history) {
        SensorScorer scorer = create(config, sensorId);
        for (ClosedWindow w : history) {
            scorer.learn(w);
        }
        return scorer;
    }

    /**
     * Restores a scorer from {@link SensorScorer#snapshot()} bytes written with the same {@code config}.
     *
     * @throws IncompatibleSnapshotException when the bytes were written by another configuration or snapshot format,
     *                                       or are not a snapshot (callers reset the sensor's model)
     */
    public static SensorScorer restore(ScorerConfig config, byte[] snapshot) {
        return TrcfEnsembleScorer.restore(config, snapshot);
    }

    /**
     * Scores the window, or returns {@link WindowScore#unscored} naming the failure when the scorer throws, so the
     * caller can count and store the gap instead of losing it in a log line.
     */
    public static WindowScore scoreOrUnscored(SensorScorer scorer, ClosedWindow window) {
        try {
            return scorer.score(window);
        } catch (RuntimeException e) {
            return WindowScore.unscored(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
