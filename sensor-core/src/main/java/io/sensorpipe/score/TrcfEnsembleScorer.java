package io.sensorpipe.score;

import com.amazon.randomcutforest.config.TransformMethod;
import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestMapper;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestState;
import io.sensorpipe.window.ClosedWindow;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * The per-sensor model: a ThresholdedRandomCutForest over a shingle of recent window means (raw values, no
 * normalisation, so level shifts stay visible), whose score is calibrated by an {@link AnomalyLikelihood}, combined
 * with a range-novelty detector (a mean beyond the range seen so far by more than a tolerance scores 1), with an
 * optional cooldown after each alert.
 *
 * <p>Warm-up: nothing is flagged during the first {@link ScorerConfig#warmupWindows()} windows; the forest-based
 * likelihood needs {@link ScorerConfig#likelihoodWarmupWindows()} windows before it scores above 0.
 */
final class TrcfEnsembleScorer implements SensorScorer {
    private static final int SNAPSHOT_FORMAT = 1;
    private static final double COOLDOWN_DAMPING = 0.2;

    private final ScorerConfig config;
    private final String sensorId;
    private final ThresholdedRandomCutForest forest;
    private final DetectorState state;

    TrcfEnsembleScorer(ScorerConfig config, String sensorId) {
        this.config = config;
        this.sensorId = sensorId;
        this.forest = newForest(config);
        this.state = new DetectorState(config);
    }

    private TrcfEnsembleScorer(ScorerConfig config, String sensorId, ThresholdedRandomCutForest forest,
                               DetectorState state) {
        this.config = config;
        this.sensorId = sensorId;
        this.forest = forest;
        this.state = state;
    }

    static ThresholdedRandomCutForest newForest(ScorerConfig c) {
        return ThresholdedRandomCutForest.builder()
                .dimensions(c.shingleSize())
                .shingleSize(c.shingleSize())
                .internalShinglingEnabled(true)
                .numberOfTrees(c.numberOfTrees())
                .sampleSize(c.sampleSize())
                .timeDecay(c.timeDecay())
                .randomSeed(c.randomSeed())
                .parallelExecutionEnabled(false)
                .transformMethod(TransformMethod.NONE)
                .outputAfter(Math.max(1, Math.min(c.warmupWindows(), c.sampleSize() / 4)))
                .anomalyRate(0.005)
                .build();
    }

    @Override
    public WindowScore score(ClosedWindow window) {
        double x = window.aggregate().mean();
        DetectorState s = state;
        AnomalyDescriptor d = forest.process(new double[] {x}, s.windowsSeen);
        s.windowsSeen++;
        double grade = d.getAnomalyGrade();
        Double expected = null;
        if (d.isExpectedValuesPresent() && d.getExpectedValuesList() != null && d.getRelativeIndex() == 0) {
            expected = d.getExpectedValuesList()[0][0];
        }
        double likelihood = s.likelihood.next(d.getRCFScore());
        boolean novel = s.outsideSeenRange(x, config.rangeTolerance());
        s.observe(x);
        if (s.windowsSeen <= config.warmupWindows()) {
            return new WindowScore(0.0, 0.0, false, expected);
        }
        double raw = novel ? 1.0 : clamp01(likelihood);
        boolean inCooldown = s.windowsSinceAlert < config.cooldownWindows();
        // one incident, one alert (NAB counts the earliest detection; repeats are false positives): damped below the
        // alert threshold, not zeroed, so the score still ranks windows
        double score = inCooldown ? raw * COOLDOWN_DAMPING : raw;
        boolean anomaly = score >= config.alertThreshold();
        s.windowsSinceAlert = anomaly ? 0 : Math.min(s.windowsSinceAlert + 1, Integer.MAX_VALUE - 1);
        return new WindowScore(score, grade, anomaly, expected);
    }

    private static double clamp01(double v) {
        return Double.isNaN(v) ? 0.0 : Math.max(0.0, Math.min(1.0, v));
    }

    @Override
    public long windowsSeen() {
        return state.windowsSeen;
    }

    @Override
    public byte[] snapshot() {
        Envelope e = new Envelope(SNAPSHOT_FORMAT, config.modelVersion(), sensorId,
                new ThresholdedRandomCutForestMapper().toState(forest), state);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (ObjectOutputStream out = new ObjectOutputStream(new DeflaterOutputStream(bytes, deflater))) {
            out.writeObject(e);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot snapshot scorer of " + sensorId, ex);
        } finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }

    static TrcfEnsembleScorer restore(ScorerConfig config, byte[] snapshot) {
        Envelope e;
        try (ObjectInputStream in = new ObjectInputStream(new InflaterInputStream(new ByteArrayInputStream(snapshot)))) {
            in.setObjectInputFilter(TrcfEnsembleScorer::allowInSnapshot);
            e = (Envelope) in.readObject();
        } catch (IOException | ClassNotFoundException ex) {
            throw new IllegalArgumentException("not a scorer snapshot: " + ex.getMessage(), ex);
        }
        if (e.format != SNAPSHOT_FORMAT || !e.modelVersion.equals(config.modelVersion())) {
            throw new IllegalArgumentException("snapshot is format " + e.format + " of model " + e.modelVersion
                    + ", expected format " + SNAPSHOT_FORMAT + " of " + config.modelVersion());
        }
        ThresholdedRandomCutForest forest = new ThresholdedRandomCutForestMapper().toModel(e.forest, config.randomSeed());
        return new TrcfEnsembleScorer(config, e.sensorId, forest, e.detector);
    }

    /** Snapshots come from the state store, still: deserialise only the classes a snapshot is made of. */
    private static ObjectInputFilter.Status allowInSnapshot(ObjectInputFilter.FilterInfo info) {
        Class<?> c = info.serialClass();
        if (c == null) {
            return info.depth() > 64 ? ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.UNDECIDED;
        }
        while (c.isArray()) {
            c = c.getComponentType();
        }
        String name = c.getName();
        boolean allowed = c.isPrimitive() || name.startsWith("com.amazon.randomcutforest.")
                || name.startsWith("io.sensorpipe.score.") || name.startsWith("java.lang.")
                || name.startsWith("java.util.");
        return allowed ? ObjectInputFilter.Status.ALLOWED : ObjectInputFilter.Status.REJECTED;
    }

    private record Envelope(int format, String modelVersion, String sensorId, ThresholdedRandomCutForestState forest,
                            DetectorState detector) implements Serializable {
    }

    /** Everything besides the forest; small and plain so snapshots stay cheap. */
    static final class DetectorState implements Serializable {
        private static final long serialVersionUID = 1L;
        long windowsSeen;
        int windowsSinceAlert = Integer.MAX_VALUE - 1;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        final AnomalyLikelihood likelihood;

        DetectorState(ScorerConfig c) {
            likelihood = new AnomalyLikelihood(c.likelihoodLearningWindows(), c.likelihoodEstimationWindows(),
                    c.likelihoodHistoryWindows(), 100, c.likelihoodAveragingWindows());
        }

        /** True when x lies beyond the range seen so far by more than {@code tolerance} × that range. */
        boolean outsideSeenRange(double x, double tolerance) {
            if (!(max > min)) {
                return false; // no range yet (or a flat line so far): nothing to be relative to
            }
            double margin = (max - min) * tolerance;
            return x > max + margin || x < min - margin;
        }

        void observe(double x) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
    }
}
