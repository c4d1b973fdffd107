package io.sensorpipe.score;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What a sensor usually reads at this time of its cycle: one mean per hour of the period (168 = hour of week, so a
 * Monday 9:00 is compared with earlier Mondays 9:00), and how far readings usually stray from those means.
 * {@link #deviation} is the window mean's distance from its slot's mean in units of the typical residual; an
 * {@link AnomalyLikelihood} turns that into a calibrated score, as it does for the forest.
 *
 * <p>Both rates follow the series' sampling, learnt from the window size, so no knob depends on it: a slot's mean
 * weighs its last visit about as much as all earlier ones (step = window / slot length), and the residual's scale is
 * averaged over about one period of windows. Bounded state: one double per slot.
 */
final class SeasonalBaseline implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long HOUR_MILLIS = 3_600_000L;
    /** Residuals needed before the scale is trusted (until then the deviation is 0). */
    private static final int MIN_RESIDUALS = 10;
    /** Bounds on the residual scale's averaging length in windows, whatever the sampling. */
    private static final int MIN_RESIDUAL_HORIZON = 100;
    private static final int MAX_RESIDUAL_HORIZON = 20_000;
    /**
     * Residuals beyond this many typical residuals count as this many when the scale learns, so one wild reading
     * (a glitch, the anomaly itself) does not blind the detector for a whole period.
     */
    private static final double RESIDUAL_CLIP = 5.0;
    /** Half-width of the expected range in typical residuals. */
    private static final double RANGE_WIDTH = 3.0;

    private final long periodMillis;
    private final double[] slotMean;
    private double slotStep;
    private int residualHorizon;
    private long residualCount;
    private double residualMean;
    private double residualVariance;

    SeasonalBaseline(int periodHours) {
        this.periodMillis = periodHours * HOUR_MILLIS;
        this.slotMean = new double[periodHours];
        Arrays.fill(slotMean, Double.NaN);
    }

    boolean enabled() {
        return slotMean.length > 0;
    }

    /** Adapts the rates to the sampling on first use (a sensor's window size does not change). */
    private void learnSampling(long windowMillis) {
        if (slotStep == 0) {
            long w = Math.max(1, windowMillis);
            slotStep = Math.min(1.0, (double) w / HOUR_MILLIS);
            residualHorizon = (int) Math.max(MIN_RESIDUAL_HORIZON, Math.min(MAX_RESIDUAL_HORIZON, periodMillis / w));
        }
    }

    private int slot(long t) {
        return (int) (Math.floorMod(t, periodMillis) * slotMean.length / periodMillis);
    }

    /** |x − slot mean| in typical residuals; 0 while the slot or the residual scale is still unknown. */
    double deviation(long t, double x) {
        double scale = scale();
        double m = enabled() ? slotMean[slot(t)] : Double.NaN;
        if (Double.isNaN(m) || !(scale > 0)) {
            return 0.0;
        }
        return Math.abs(x - m) / scale;
    }

    /** The slot's usual value, or null while it is unknown. */
    Double expected(long t) {
        double m = enabled() ? slotMean[slot(t)] : Double.NaN;
        return Double.isNaN(m) || !(scale() > 0) ? null : m;
    }

    /** Slot mean ± {@value #RANGE_WIDTH} typical residuals, or null while unknown. */
    double[] expectedRange(long t) {
        Double m = expected(t);
        if (m == null) {
            return null;
        }
        double half = RANGE_WIDTH * scale();
        return new double[] {m - half, m + half};
    }

    /** Root mean square residual (0 while fewer than {@value #MIN_RESIDUALS} are known). */
    private double scale() {
        if (residualCount < MIN_RESIDUALS) {
            return 0.0;
        }
        return Math.sqrt(Math.max(0.0, residualVariance) + residualMean * residualMean);
    }

    void observe(long t, long windowMillis, double x) {
        if (!enabled()) {
            return;
        }
        learnSampling(windowMillis);
        int k = slot(t);
        double m = slotMean[k];
        if (Double.isNaN(m)) {
            slotMean[k] = x;
            return;
        }
        double r = x - m;
        double scale = scale();
        double clipped = scale > 0 ? Math.max(-RESIDUAL_CLIP * scale, Math.min(RESIDUAL_CLIP * scale, r)) : r;
        residualCount++;
        if (residualCount == 1) {
            residualMean = clipped;
        } else {
            double alpha = Math.max(1.0 / residualHorizon, 1.0 / residualCount);
            double delta = clipped - residualMean;
            residualMean += alpha * delta;
            residualVariance = (1 - alpha) * (residualVariance + alpha * delta * delta);
        }
        slotMean[k] = m + slotStep * r;
    }
}
