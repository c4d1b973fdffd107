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
 * The per-sensor model, an ensemble of five detectors over each window's readings:
 * <ul>
 *   <li>a ThresholdedRandomCutForest over a shingle of recent means (raw values, no normalisation, so level shifts
 *       stay visible), its score calibrated per sensor by an {@link AnomalyLikelihood} ({@link Detector#FOREST_LIKELIHOOD});
 *   <li>a {@link SeasonalBaseline} (hour-of-week means) whose residual is calibrated by its own likelihood
 *       ({@link Detector#SEASONAL}): it sees what the forest cannot, a normal-looking shape at the wrong time;
 *   <li>{@link WindowStats}: the spread and number of readings in the window against the usual, calibrated by a
 *       third likelihood ({@link Detector#WINDOW_STATS}): a noise burst, a stuck sensor, missing readings;
 *   <li>range novelty: a mean beyond the range seen so far by more than a tolerance scores 1
 *       ({@link Detector#RANGE_NOVELTY});
 *   <li>sensor faults clear in one window (spike, level jump, stuck value, missed windows; {@link WindowStats#fault}),
 *       for sensors that send several readings per window ({@link Detector#SENSOR_FAULT}).
 * </ul>
 * During a sensor's first day of data the seasonal part does not judge and range novelty needs a whole range's
 * margin.
 * The score is the largest of them; after each alert a cooldown damps the next windows (one incident, one alert).
 *
 * <p>Warm-up: nothing is flagged during the first {@link ScorerConfig#warmupWindows(long)} windows (scored or
 * {@linkplain #learn learnt}); the likelihoods need {@link ScorerConfig#likelihoodLearningWindows(long)} +
 * {@link ScorerConfig#likelihoodEstimationWindows()} windows before they score above 0. Both follow the sensor's
 * window size (set at its first window); for windows of 5 minutes or less both are 388.
 */
final class TrcfEnsembleScorer implements SensorScorer {
    private static final int SNAPSHOT_FORMAT = 2;
    /** A flag's score in a cooldown (one incident, one alert) is multiplied by this, below the alert threshold. */
    static final double COOLDOWN_DAMPING = 0.2;
    private static final long DAY_MILLIS = 86_400_000L;
    private static final double YOUNG_RANGE_TOLERANCE = 1.0;

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
        return process(window, true);
    }

    @Override
    public void learn(ClosedWindow window) {
        process(window, false);
    }

    /** Updates every part of the model with the window; {@code live} = may flag (and then starts a cooldown). */
    private WindowScore process(ClosedWindow window, boolean live) {
        double x = window.aggregate().mean();
        long t = window.windowStart();
        DetectorState s = state;
        long windowMillis = window.windowEnd() - window.windowStart();
        if (s.firstWindowStart == Long.MIN_VALUE) {
            s.firstWindowStart = t;
            s.adaptToWindow(config, windowMillis);
        }
        AnomalyDescriptor d = forest.process(new double[] {x}, s.windowsSeen);
        s.windowsSeen++;
        double grade = d.getAnomalyGrade();
        Double forestExpected = null;
        if (d.isExpectedValuesPresent() && d.getExpectedValuesList() != null && d.getRelativeIndex() == 0) {
            forestExpected = d.getExpectedValuesList()[0][0];
        }
        double forestLikelihood = clamp01(s.likelihood.next(d.getRCFScore()));
        double seasonalLikelihood = s.seasonal.enabled()
                ? clamp01(s.seasonalLikelihood.next(s.seasonal.deviation(t, x))) : 0.0;
        double statsLikelihood = s.stats.applicable()
                ? clamp01(s.statsLikelihood.next(s.stats.deviation(window.aggregate()))) : 0.0;
        Double expected = s.seasonal.expected(t);
        double[] range = s.seasonal.expectedRange(t);
        if (expected == null) {
            expected = forestExpected;
        }
        if (range == null) {
            range = s.seenRange(config.rangeTolerance());
        }
        // A range or an hour's usual value learnt over less than a day says little about a sensor with a daily cycle
        // (a 35-minute history's range is left as the day goes on): until a day of data, the seasonal part does not
        // judge and range novelty needs a mean beyond the range by its whole width, not by the tolerance.
        boolean dayOfData = t - s.firstWindowStart >= DAY_MILLIS;
        boolean novel = s.outsideSeenRange(x, dayOfData ? config.rangeTolerance() : YOUNG_RANGE_TOLERANCE);
        if (!dayOfData) {
            seasonalLikelihood = 0.0;
        }
        String fault = s.stats.fault(window.aggregate(), t, windowMillis);
        // A fault is news when it starts: a stuck sensor raises one alert, not one per window, and the windows right
        // after a fault (the level coming back after a spike or a shift) belong to the same incident
        // (WindowStats#startsIncident).
        boolean faultStarts = s.stats.startsIncident(fault, s.lastFault);
        s.lastFault = fault;
        s.observe(x);
        s.seasonal.observe(t, windowMillis, x);
        s.stats.observe(window.aggregate(), t, windowMillis);
        Double low = range == null ? null : range[0];
        Double high = range == null ? null : range[1];
        if (!live || s.windowsSeen <= s.warmupWindows(config)) {
            return new WindowScore(0.0, 0.0, false, expected, low, high, Detector.NONE, null);
        }
        Detector source;
        double raw;
        if (faultStarts) {
            source = Detector.SENSOR_FAULT;
            raw = 1.0;
        } else if (novel) {
            source = Detector.RANGE_NOVELTY;
            raw = 1.0;
        } else if (statsLikelihood > forestLikelihood && statsLikelihood > seasonalLikelihood) {
            source = Detector.WINDOW_STATS;
            raw = statsLikelihood;
        } else if (seasonalLikelihood > forestLikelihood) {
            source = Detector.SEASONAL;
            raw = seasonalLikelihood;
        } else {
            source = Detector.FOREST_LIKELIHOOD;
            raw = forestLikelihood;
        }
        // The cooldown (one incident, one alert) is for the averaged parts, whose evidence lingers for many windows;
        // a clear fault's evidence is its own window, so a new one is a new incident.
        boolean inCooldown = !faultStarts && s.windowsSinceAlert < config.cooldownWindows();
        // one incident, one alert (NAB counts the earliest detection; repeats are false positives): damped below the
        // alert threshold, not zeroed, so the score still ranks windows
        double score = inCooldown ? raw * COOLDOWN_DAMPING : raw;
        boolean anomaly = score >= config.alertThreshold();
        s.windowsSinceAlert = anomaly ? 0 : Math.min(s.windowsSinceAlert + 1, Integer.MAX_VALUE - 1);
        FaultKind kind = anomaly && source == Detector.SENSOR_FAULT ? FaultKind.ofRule(fault) : null;
        return new WindowScore(score, grade, anomaly, expected, low, high, anomaly ? source : Detector.NONE, null,
                kind);
    }

    private static double clamp01(double v) {
        return Double.isNaN(v) ? 0.0 : Math.max(0.0, Math.min(1.0, v));
    }

    @Override
    public boolean flagsSilence() {
        return state.windowsSeen > state.warmupWindows(config) && state.stats.silenceIsFault();
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
        String expected = "format " + SNAPSHOT_FORMAT + " of model " + config.modelVersion();
        Envelope e;
        try (ObjectInputStream in = new ObjectInputStream(new InflaterInputStream(new ByteArrayInputStream(snapshot)))) {
            in.setObjectInputFilter(TrcfEnsembleScorer::allowInSnapshot);
            e = (Envelope) in.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException | NullPointerException ex) {
            throw new IncompatibleSnapshotException("not a scorer snapshot (" + ex + ")", expected, ex);
        }
        // Envelope keeps its shape across formats, so an older snapshot still reads far enough to say what it is.
        if (e.format != SNAPSHOT_FORMAT || e.modelVersion == null
                || !config.snapshotCompatibility().equals(ScorerConfig.snapshotCompatibility(e.modelVersion))) {
            throw new IncompatibleSnapshotException("format " + e.format + " of model " + e.modelVersion, expected,
                    null);
        }
        ThresholdedRandomCutForest forest = new ThresholdedRandomCutForestMapper().toModel(e.forest, config.randomSeed());
        if (e.detector != null && e.detector.warmupWindows == 0) {
            // a release before the per-sensor warm-up: it began with its configuration's, which a changed
            // --warmup-windows (now compatible) must not replace
            e.detector.warmupWindows = storedWarmup(e.modelVersion);
        }
        return new TrcfEnsembleScorer(config, e.sensorId, forest, e.detector);
    }

    /** The warm-up a stored {@code modelVersion} names ({@code -w388-}), or 0 when it names none. */
    static int storedWarmup(String modelVersion) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-w(\\d{1,9})-").matcher(modelVersion);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
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
        long firstWindowStart = Long.MIN_VALUE;
        /**
         * This sensor's warm-up ({@link ScorerConfig#warmupWindows(long)}), set at its first window; 0 in a snapshot
         * of a release before it, whose sensors keep the fixed warm-up (and likelihoods) they began with.
         */
        int warmupWindows;
        /** The clear fault of the previous window ({@link WindowStats#fault}), or null. */
        String lastFault;
        int windowsSinceAlert = Integer.MAX_VALUE - 1;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        final AnomalyLikelihood likelihood;
        final AnomalyLikelihood seasonalLikelihood;
        final SeasonalBaseline seasonal;
        final AnomalyLikelihood statsLikelihood;
        final WindowStats stats;

        DetectorState(ScorerConfig c) {
            likelihood = newLikelihood(c);
            seasonalLikelihood = newLikelihood(c);
            seasonal = new SeasonalBaseline(c.seasonalPeriodHours());
            statsLikelihood = newLikelihood(c);
            stats = new WindowStats(c.seasonalPeriodHours());
        }

        /** The window size is known at the first window: the warm-up and the likelihoods' learning follow it. */
        void adaptToWindow(ScorerConfig c, long windowMillis) {
            int learning = c.likelihoodLearningWindows(windowMillis);
            likelihood.learningPeriod(learning);
            seasonalLikelihood.learningPeriod(learning);
            statsLikelihood.learningPeriod(learning);
            warmupWindows = c.warmupWindows(windowMillis);
        }

        int warmupWindows(ScorerConfig c) {
            return warmupWindows > 0 ? warmupWindows : c.warmupWindows();
        }

        private static AnomalyLikelihood newLikelihood(ScorerConfig c) {
            return new AnomalyLikelihood(c.likelihoodLearningWindows(), c.likelihoodEstimationWindows(),
                    c.likelihoodHistoryWindows(), 100, c.likelihoodAveragingWindows());
        }

        /** The range seen so far widened by {@code tolerance} × its width (what range novelty accepts), or null. */
        double[] seenRange(double tolerance) {
            if (!(max >= min)) {
                return null;
            }
            double margin = (max - min) * tolerance;
            return new double[] {min - margin, max + margin};
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
