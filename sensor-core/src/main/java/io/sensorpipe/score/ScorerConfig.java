package io.sensorpipe.score;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Window-level model parameters (one configuration for every sensor). Immutable; build with {@link #builder()}.
 * {@link #modelVersion()} names the model and every parameter, so stored results say what produced them.
 */
public final class ScorerConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long DAY_MILLIS = 86_400_000L;

    private final long randomSeed;
    private final int shingleSize;
    private final int numberOfTrees;
    private final int sampleSize;
    private final int warmupWindows;
    private final double timeDecay;
    private final int cooldownWindows;
    private final double alertThreshold;
    private final int likelihoodAveragingWindows;
    private final int likelihoodHistoryWindows;
    private final int likelihoodEstimationWindows;
    private final int likelihoodLearningWindows;
    private final double rangeTolerance;
    private final int seasonalPeriodHours;

    private ScorerConfig(Builder b) {
        this.randomSeed = b.randomSeed;
        this.shingleSize = b.shingleSize;
        this.numberOfTrees = b.numberOfTrees;
        this.sampleSize = b.sampleSize;
        this.warmupWindows = b.warmupWindows;
        this.timeDecay = b.timeDecay;
        this.cooldownWindows = b.cooldownWindows;
        this.alertThreshold = b.alertThreshold;
        this.likelihoodAveragingWindows = b.likelihoodAveragingWindows;
        this.likelihoodHistoryWindows = b.likelihoodHistoryWindows;
        this.likelihoodEstimationWindows = b.likelihoodEstimationWindows;
        this.likelihoodLearningWindows = b.likelihoodLearningWindows;
        this.rangeTolerance = b.rangeTolerance;
        this.seasonalPeriodHours = b.seasonalPeriodHours;
    }

    public static ScorerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().randomSeed(randomSeed).shingleSize(shingleSize).numberOfTrees(numberOfTrees)
                .sampleSize(sampleSize).warmupWindows(warmupWindows).timeDecay(timeDecay)
                .cooldownWindows(cooldownWindows).alertThreshold(alertThreshold)
                .likelihoodAveragingWindows(likelihoodAveragingWindows)
                .likelihoodHistoryWindows(likelihoodHistoryWindows)
                .likelihoodEstimationWindows(likelihoodEstimationWindows)
                .likelihoodLearningWindows(likelihoodLearningWindows)
                .rangeTolerance(rangeTolerance)
                .seasonalPeriodHours(seasonalPeriodHours);
    }

    /**
     * Identifies scorer and every parameter, e.g.
     * {@code trcf4.4.0-al-seas-stats-range-fault/sh4-t30-n128-d3.90625E-4-w388-r0.05-l288+100-h8640-avg20-s168-c100-a0.5-seed42},
     * so each stored result says exactly what produced it (an override shows as a different string).
     */
    public String modelVersion() {
        return String.format(Locale.ROOT,
                "trcf4.4.0-al-seas-stats-range-fault/sh%d-t%d-n%d-d%s-w%d-r%s-l%d+%d-h%d-avg%d-s%d-c%d-a%s-seed%d",
                shingleSize, numberOfTrees, sampleSize, timeDecay, warmupWindows, rangeTolerance,
                likelihoodLearningWindows, likelihoodEstimationWindows, likelihoodHistoryWindows,
                likelihoodAveragingWindows, seasonalPeriodHours, cooldownWindows, alertThreshold, randomSeed);
    }

    /**
     * What a model's snapshot must match to be restored under this configuration: {@link #modelVersion()} without the
     * warm-up. The warm-up only says how long a new sensor stays quiet; each sensor keeps the one it began with (in
     * its snapshot), so a {@code --warmup-windows} change applies to new sensors and leaves trained models alone
     * instead of resetting every one of them.
     */
    public String snapshotCompatibility() {
        return snapshotCompatibility(modelVersion());
    }

    /** {@link #snapshotCompatibility()} of a stored {@code modelVersion}. */
    static String snapshotCompatibility(String modelVersion) {
        return modelVersion.replaceFirst("-w\\d+-", "-w*-");
    }

    /** Every parameter by its builder name, in a fixed order (values as in {@link #modelVersion()}). */
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("randomSeed", Long.toString(randomSeed));
        p.put("shingleSize", Integer.toString(shingleSize));
        p.put("numberOfTrees", Integer.toString(numberOfTrees));
        p.put("sampleSize", Integer.toString(sampleSize));
        p.put("timeDecay", Double.toString(timeDecay));
        p.put("warmupWindows", Integer.toString(warmupWindows));
        p.put("rangeTolerance", Double.toString(rangeTolerance));
        p.put("likelihoodLearningWindows", Integer.toString(likelihoodLearningWindows));
        p.put("likelihoodEstimationWindows", Integer.toString(likelihoodEstimationWindows));
        p.put("likelihoodHistoryWindows", Integer.toString(likelihoodHistoryWindows));
        p.put("likelihoodAveragingWindows", Integer.toString(likelihoodAveragingWindows));
        p.put("seasonalPeriodHours", Integer.toString(seasonalPeriodHours));
        p.put("cooldownWindows", Integer.toString(cooldownWindows));
        p.put("alertThreshold", Double.toString(alertThreshold));
        return p;
    }

    /**
     * The parameters that differ from {@link #defaults()} (the benchmarked configuration), name to value in builder
     * order; empty when this is the benchmarked configuration. Meant for a job's summary line.
     */
    public Map<String, String> overrides() {
        Map<String, String> defaults = defaults().parameters();
        Map<String, String> out = new LinkedHashMap<>();
        parameters().forEach((k, v) -> {
            if (!v.equals(defaults.get(k))) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** True when this is exactly the benchmarked configuration. */
    public boolean isDefault() {
        return overrides().isEmpty();
    }

    /**
     * Windows a new sensor's model must see before it may flag anything (scores are 0 until then), as set: the
     * warm-up of a sensor whose windows last 5 minutes or less (a day is at least 288 of them). The default is the
     * likelihood's learning + estimation period, so the first flags come from the calibrated detector; windows fed
     * through {@link SensorScorer#learn} count. A sensor's own warm-up is {@link #warmupWindows(long)}.
     */
    public int warmupWindows() {
        return warmupWindows;
    }

    /**
     * Windows before the forest-based likelihood can score above 0 (range novelty may flag earlier), at most: for a
     * sensor, {@link #likelihoodLearningWindows(long)} + {@link #likelihoodEstimationWindows()}.
     */
    public int likelihoodWarmupWindows() {
        return likelihoodLearningWindows + likelihoodEstimationWindows;
    }

    /**
     * The warm-up of a sensor whose windows last {@code windowMillis}: {@link #warmupWindows()} shortened by as much as
     * {@link #likelihoodLearningWindows(long)} is shorter than {@link #likelihoodLearningWindows()}, but not below the
     * likelihood's probation for this size (learning + estimation), or the warm-up set when that is lower. So the
     * default still ends with the likelihood's probation (388 windows for windows of 5 minutes or less, 244 for 10
     * minutes, 200 for 30 minutes and longer); a warm-up set at or below the probation is kept (64 stays 64), one set
     * between it and 388 becomes the probation, one set above 388 keeps its margin over it (1000 gives 812 at 1 h).
     */
    public int warmupWindows(long windowMillis) {
        int shortening = likelihoodLearningWindows - likelihoodLearningWindows(windowMillis);
        return Math.max(Math.min(warmupWindows, likelihoodLearningWindows(windowMillis) + likelihoodEstimationWindows),
                warmupWindows - shortening);
    }

    /**
     * The likelihood's learning period for windows of {@code windowMillis}: one day of windows, at least the
     * estimation period (as Numenta's likelihood splits its probation) and at most {@link #likelihoodLearningWindows()}.
     * The default's 288 is one day of 5-minute windows; coarser windows (NAB's hourly series, a job's
     * {@code --window 1h}) would otherwise sit silent for 16 days, longer than NAB's probation on a short series.
     * It follows the window size, not how often the sensor reports: a sensor reporting hourly into 1-minute windows
     * learns for 288 windows.
     */
    public int likelihoodLearningWindows(long windowMillis) {
        long perDay = DAY_MILLIS / Math.max(1L, windowMillis);
        return (int) Math.min(likelihoodLearningWindows, Math.max(likelihoodEstimationWindows, perDay));
    }

    public long randomSeed() {
        return randomSeed;
    }

    public int shingleSize() {
        return shingleSize;
    }

    public int numberOfTrees() {
        return numberOfTrees;
    }

    public int sampleSize() {
        return sampleSize;
    }

    public double timeDecay() {
        return timeDecay;
    }

    /** After a flagged window, this many following windows are damped so one incident raises one alert. */
    public int cooldownWindows() {
        return cooldownWindows;
    }

    /** A window is flagged when its anomalyScore reaches this value. */
    public double alertThreshold() {
        return alertThreshold;
    }

    /** A window mean beyond the range seen so far by more than this fraction of the range scores 1. */
    public double rangeTolerance() {
        return rangeTolerance;
    }

    /**
     * Length of the seasonal baseline's cycle in hours, one slot per hour (168 = hour of week); 0 turns the
     * seasonal detector off.
     */
    public int seasonalPeriodHours() {
        return seasonalPeriodHours;
    }

    /**
     * Windows whose forest scores are ignored by the likelihood (the forest is still learning), at most: a sensor's
     * own period is {@link #likelihoodLearningWindows(long)}.
     */
    public int likelihoodLearningWindows() {
        return likelihoodLearningWindows;
    }

    /** Windows after the learning period used to estimate the score distribution before scoring. */
    public int likelihoodEstimationWindows() {
        return likelihoodEstimationWindows;
    }

    /** Effective length of the score history the likelihood compares with. */
    public int likelihoodHistoryWindows() {
        return likelihoodHistoryWindows;
    }

    /** Raw scores averaged before the comparison (short-term evidence). */
    public int likelihoodAveragingWindows() {
        return likelihoodAveragingWindows;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScorerConfig c && c.modelVersion().equals(modelVersion());
    }

    @Override
    public int hashCode() {
        return modelVersion().hashCode();
    }

    @Override
    public String toString() {
        return "ScorerConfig{" + modelVersion() + "}";
    }

    public static final class Builder {
        private long randomSeed = 42L;
        private int shingleSize = 4;
        private int numberOfTrees = 30;
        private int sampleSize = 128;
        private int warmupWindows = 388;
        private double timeDecay = 1.0 / 2560;
        private int cooldownWindows = 100;
        private double alertThreshold = 0.5;
        private int likelihoodAveragingWindows = 20;
        private int likelihoodHistoryWindows = 8640;
        private int likelihoodEstimationWindows = 100;
        private int likelihoodLearningWindows = 288;
        private double rangeTolerance = 0.05;
        private int seasonalPeriodHours = 168;

        private Builder() {
        }

        public Builder randomSeed(long v) {
            this.randomSeed = v;
            return this;
        }

        public Builder shingleSize(int v) {
            this.shingleSize = v;
            return this;
        }

        public Builder numberOfTrees(int v) {
            this.numberOfTrees = v;
            return this;
        }

        public Builder sampleSize(int v) {
            this.sampleSize = v;
            return this;
        }

        public Builder warmupWindows(int v) {
            this.warmupWindows = v;
            return this;
        }

        public Builder timeDecay(double v) {
            this.timeDecay = v;
            return this;
        }

        public Builder cooldownWindows(int v) {
            this.cooldownWindows = v;
            return this;
        }

        public Builder alertThreshold(double v) {
            this.alertThreshold = v;
            return this;
        }

        public Builder rangeTolerance(double v) {
            this.rangeTolerance = v;
            return this;
        }

        public Builder seasonalPeriodHours(int v) {
            this.seasonalPeriodHours = v;
            return this;
        }

        public Builder likelihoodLearningWindows(int v) {
            this.likelihoodLearningWindows = v;
            return this;
        }

        public Builder likelihoodEstimationWindows(int v) {
            this.likelihoodEstimationWindows = v;
            return this;
        }

        public Builder likelihoodHistoryWindows(int v) {
            this.likelihoodHistoryWindows = v;
            return this;
        }

        public Builder likelihoodAveragingWindows(int v) {
            this.likelihoodAveragingWindows = v;
            return this;
        }

        /** Validates and builds; the error names the bad field. */
        public ScorerConfig build() {
            require(shingleSize >= 1 && shingleSize <= 64, "shingleSize", "in [1,64]", shingleSize);
            require(numberOfTrees >= 1 && numberOfTrees <= 200, "numberOfTrees", "in [1,200]", numberOfTrees);
            require(sampleSize >= 16 && sampleSize <= 1024, "sampleSize", "in [16,1024]", sampleSize);
            require(warmupWindows >= 1, "warmupWindows", ">= 1", warmupWindows);
            require(timeDecay >= 0 && timeDecay < 1, "timeDecay", "in [0,1)", timeDecay);
            require(cooldownWindows >= 0, "cooldownWindows", ">= 0", cooldownWindows);
            require(alertThreshold > 0 && alertThreshold <= 1, "alertThreshold", "in (0,1]", alertThreshold);
            require(rangeTolerance >= 0, "rangeTolerance", ">= 0", rangeTolerance);
            require(likelihoodLearningWindows >= 0, "likelihoodLearningWindows", ">= 0", likelihoodLearningWindows);
            require(likelihoodEstimationWindows >= 1, "likelihoodEstimationWindows", ">= 1", likelihoodEstimationWindows);
            require(likelihoodHistoryWindows >= 1, "likelihoodHistoryWindows", ">= 1", likelihoodHistoryWindows);
            require(likelihoodAveragingWindows >= 1 && likelihoodAveragingWindows <= 1000, "likelihoodAveragingWindows",
                    "in [1,1000]", likelihoodAveragingWindows);
            require(seasonalPeriodHours >= 0 && seasonalPeriodHours <= 1000, "seasonalPeriodHours",
                    "in [0,1000] (0 = off)", seasonalPeriodHours);
            return new ScorerConfig(this);
        }

        private static void require(boolean ok, String field, String rule, Object got) {
            if (!ok) {
                throw new IllegalArgumentException("scorer config field '" + field + "' must be " + rule + ", got " + got);
            }
        }
    }
}
