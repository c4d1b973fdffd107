package io.sensorpipe.score;

import io.sensorpipe.window.WindowAggregate;
import java.io.Serializable;

/**
 * How a window's readings are spread and how many there are, against what is usual for the sensor: catches what a
 * detector of window means cannot see (a noise burst, a stuck sensor repeating one value, readings going missing).
 * {@link #deviation} is the larger of the two standardised distances; an {@link AnomalyLikelihood} calibrates it.
 *
 * <p>Spread is compared on a log scale (a burst multiplies it, a stuck sensor sends it to 0), floored at a
 * thousandth of the usual spread so a stuck sensor reads as a large, finite drop. Counts use a Poisson floor on their
 * scale. The detector takes part only for a sensor that usually sends two or more readings per window (see
 * {@link #applicable()}), so a sensor with one reading per window (all of NAB) never scores here. Averages run over one
 * period's windows like the seasonal residual (100 to 20 000 windows, cumulative before that).
 */
final class WindowStats implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int MIN_SAMPLES = 10;
    private static final double STUCK_FLOOR = 1e-3;
    /** As in the seasonal baseline: one odd window moves the usual values by at most this many deviations. */
    private static final double CLIP = 5.0;

    private final long periodMillis;
    private int horizon;
    private final Moments logSpread = new Moments();
    private final Moments spread = new Moments();
    private final Moments count = new Moments();

    WindowStats(int periodHours) {
        this.periodMillis = Math.max(1, periodHours) * 3_600_000L;
    }

    /**
     * True once the sensor usually sends several readings per window; until then (and for good, for a sensor with
     * one reading per window) this detector stays out of the ensemble, as a statistic of one reading says nothing.
     */
    boolean applicable() {
        return count.n >= MIN_SAMPLES && count.mean >= 2.0;
    }

    double deviation(WindowAggregate a) {
        if (!applicable()) {
            return 0.0;
        }
        double d = 0.0;
        if (count.n >= MIN_SAMPLES) {
            double sd = Math.sqrt(count.variance);
            d = Math.abs(a.count() - count.mean) / Math.max(sd, Math.sqrt(Math.max(1.0, count.mean)));
        }
        if (a.count() >= 2 && logSpread.n >= MIN_SAMPLES) {
            double sd = Math.sqrt(logSpread.variance);
            if (sd > 0) {
                d = Math.max(d, Math.abs(logOf(a) - logSpread.mean) / sd);
            }
        }
        return d;
    }

    void observe(WindowAggregate a, long windowMillis) {
        if (horizon == 0) {
            horizon = (int) Math.max(100, Math.min(20_000, periodMillis / Math.max(1, windowMillis)));
        }
        count.add(a.count(), horizon);
        if (a.count() >= 2) {
            double s = Math.sqrt(a.variance());
            spread.add(s, horizon);
            logSpread.add(logOf(a), horizon);
        }
    }

    private double logOf(WindowAggregate a) {
        double s = Math.sqrt(a.variance());
        double floor = STUCK_FLOOR * spread.mean;
        return Math.log(s + (floor > 0 ? floor : Double.MIN_NORMAL));
    }

    /** Exponentially weighted mean and variance (cumulative until {@code horizon} samples), with clipped updates. */
    private static final class Moments implements Serializable {
        private static final long serialVersionUID = 1L;
        long n;
        double mean;
        double variance;

        void add(double x, int horizon) {
            n++;
            if (n == 1) {
                mean = x;
                return;
            }
            double sd = Math.sqrt(variance);
            double delta = x - mean;
            if (n > MIN_SAMPLES && sd > 0) {
                delta = Math.max(-CLIP * sd, Math.min(CLIP * sd, delta));
            }
            double alpha = Math.max(1.0 / horizon, 1.0 / n);
            mean += alpha * delta;
            variance = (1 - alpha) * (variance + alpha * delta * delta);
        }
    }
}
