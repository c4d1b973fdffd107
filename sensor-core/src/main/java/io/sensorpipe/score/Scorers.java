package io.sensorpipe.score;

/** Creates and restores per-sensor scorers; the one place that picks the model implementation. */
public final class Scorers {
    private Scorers() {
    }

    public static SensorScorer create(ScorerConfig config, String sensorId) {
        return new TrcfEnsembleScorer(config, sensorId);
    }

    /** Restores a scorer from {@link SensorScorer#snapshot()} bytes written with the same {@code config}. */
    public static SensorScorer restore(ScorerConfig config, byte[] snapshot) {
        return TrcfEnsembleScorer.restore(config, snapshot);
    }
}
