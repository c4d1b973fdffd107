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
    /** Deviations, in usual noise, that a single window needs to count as a clear fault (see {@link #fault}). */
    static final double FAULT_SIGMAS = 6.0;
    /** A pattern (a flat stretch, a gap) that starts in under this share of a sensor's windows is unusual for it. */
    static final double RARE = 0.05;
    /** A sensor flat in this share of its windows or more is one whose value often rests: flat is its usual state. */
    static final double MOSTLY_FLAT = 0.5;
    static final String FLAT = FaultKind.STUCK_VALUE.rule();

    private final long periodMillis;
    private int horizon;
    private final Moments logSpread = new Moments();
    private final Moments spread = new Moments();
    private final Moments count = new Moments();
    /** Within-window variance of the readings (pooled over windows, flat ones left out): the usual noise, squared. */
    private final Moments withinVariance = new Moments();
    /** Windows with two or more readings, flat or not: the fault rules judge once there are enough of them. */
    private long spreadWindows;
    private long windows;
    private long multiWindows;
    private long flatWindows;
    /** Flat stretches: flat windows right after one that was not (a stuck sensor's incident counts once). */
    private long flatRuns;
    private boolean lastFlat;
    private long gapWindows;
    private long lastEnd = Long.MIN_VALUE;
    private long lastCount;
    private double lastMean = Double.NaN;
    private long beforeLastEnd = Long.MIN_VALUE;
    private long beforeLastCount;
    private double beforeLastMean = Double.NaN;
    private double lastVariance;
    private double beforeLastVariance;
    private boolean lastJumped;
    /** Set by {@link #fault} for {@link #observe}: this window's mean moved / moved back to the earlier level. */
    private transient boolean jumpedNow;
    private transient boolean backToLevel;
    private transient double candidateLevel;
    private transient long candidateCount;
    private transient double candidateVariance;
    /** Set by {@link #fault} for {@link #startsIncident}: a flat window at the level from before the last fault. */
    private transient boolean flatAtEarlierLevel;
    /** The window mean (count, variance) just before the latest level jump, so its way back is recognised. */
    private double levelBeforeJump = Double.NaN;
    private long levelBeforeJumpCount;
    private double levelBeforeJumpVariance;

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
            double l = logOf(a);
            if (sd > 0 && Double.isFinite(l)) {
                d = Math.max(d, Math.abs(l - logSpread.mean) / sd);
            }
        }
        return Double.isFinite(d) ? d : 0.0;
    }

    /**
     * A sensor fault that needs no averaging, for a sensor that usually sends several readings per window; null when
     * there is none. Each rule is a many-sigma event for Gaussian noise (false alarm rate below 1e-6 per window), so a
     * single window is enough evidence:
     * <ul>
     *   <li>{@code spike}: one reading lies more than {@value #FAULT_SIGMAS} usual noise deviations from the others'
     *       window mean;
     *   <li>{@code level jump}: the window mean moved more than {@value #FAULT_SIGMAS} standard errors from one of the
     *       two windows just before it (two, so a shift that starts mid-window is seen whole in the next window);
     *   <li>{@code flat}: three or more readings, all equal, from a sensor that rarely starts a flat stretch and is
     *       flat in under half its windows (a stuck sensor repeating its last value);
     *   <li>{@code gap}: whole windows without a reading just before this one, for a sensor that rarely misses one
     *       (a dropout, seen when the sensor comes back).
     * </ul>
     * "Rarely" is under {@value #RARE} of the sensor's windows, so faults in the history it learnt from do not turn a
     * rule off (flatness counts by stretches, so a sensor that was stuck for minutes before is still judged by the
     * rule), while a sensor whose readings are coarsely rounded (often flat) or often rest on one value never trips
     * the flat rule.
     */
    String fault(WindowAggregate a, long windowStart, long windowMillis) {
        flatAtEarlierLevel = false;
        if (!ready()) {
            return null;
        }
        double noise = Math.sqrt(withinVariance.mean);
        long n = a.count();
        if (n >= 3) {
            double mean = a.mean();
            double worst = Math.max(a.max() - mean, mean - a.min());
            // distance from the mean of the other n-1 readings
            if (worst * n / (n - 1) > FAULT_SIGMAS * noise) {
                return FaultKind.SPIKE.rule();
            }
            if (a.max() == a.min() && flatIsRare()) {
                // stuck at the level before the last fault (the window before it, or the level the last jump left)
                flatAtEarlierLevel = atLevel(a, beforeLastMean, beforeLastCount, beforeLastVariance, noise)
                        || atLevel(a, levelBeforeJump, levelBeforeJumpCount, levelBeforeJumpVariance, noise);
                return FLAT;
            }
        }
        boolean fromLast = jump(a, lastEnd == windowStart, lastMean, lastCount, lastVariance, noise);
        boolean fromBeforeLast = jump(a, beforeLastEnd == windowStart - windowMillis && lastEnd == windowStart,
                beforeLastMean, beforeLastCount, beforeLastVariance, noise);
        jumpedNow = fromLast || fromBeforeLast;
        if (jumpedNow && !lastJumped) {
            // the level this move leaves: the window before it, or the one before that when the move began mid-window
            boolean mixed = fromBeforeLast && !fromLast;
            candidateLevel = mixed ? beforeLastMean : lastMean;
            candidateCount = mixed ? beforeLastCount : lastCount;
            candidateVariance = mixed ? beforeLastVariance : lastVariance;
        }
        if (fromLast || fromBeforeLast) {
            if (!Double.isNaN(levelBeforeJump)
                    && !jump(a, true, levelBeforeJump, levelBeforeJumpCount, levelBeforeJumpVariance, noise)) {
                backToLevel = true;
                return null; // back to the level before the last jump: the end of that incident, not a new one
            }
            return FaultKind.LEVEL_JUMP.rule();
        }
        if (lastEnd != Long.MIN_VALUE && windowStart - lastEnd >= windowMillis && gapWindows < RARE * windows
                && count.mean >= 3) {
            return FaultKind.GAP.rule();
        }
        return null;
    }

    /**
     * Whether this window's fault ({@link #fault}, asked just before) is a new incident after the previous window's:
     * any fault after a window without one is; right after another fault it is the same incident (the level coming
     * back after a spike or a shift, a sensor that dropped to a value and stays there), except a sensor that gets
     * stuck at the level it had before that fault (the window before it, or the level the last jump left): the
     * earlier fault had ended.
     */
    boolean startsIncident(String fault, String previousFault) {
        return fault != null && (previousFault == null
                || (FLAT.equals(fault) && !FLAT.equals(previousFault) && flatAtEarlierLevel));
    }

    private static boolean atLevel(WindowAggregate a, double level, long count, double variance, double noise) {
        return !Double.isNaN(level) && count >= 2 && !jump(a, true, level, count, variance, noise);
    }

    /** Enough windows of several readings to know the usual noise, and some noise in them. */
    private boolean ready() {
        return applicable() && spreadWindows >= MIN_SAMPLES * 10 && withinVariance.mean > 0;
    }

    private boolean flatIsRare() {
        return flatRuns < RARE * multiWindows && flatWindows < MOSTLY_FLAT * multiWindows;
    }

    /**
     * Whether whole windows without a reading would be a {@code gap} fault for this sensor (the conditions of
     * {@link #fault}'s gap rule): asked while the gap lasts, so a sensor gone silent is flagged before it comes back.
     */
    boolean silenceIsFault() {
        return ready() && gapWindows < RARE * windows && count.mean >= 3;
    }

    /** Welch's test of two window means, each window's variance at least the usual noise's. */
    private static boolean jump(WindowAggregate a, boolean adjacent, double before, long beforeCount,
                                double beforeVariance, double noise) {
        if (!adjacent || beforeCount < 2 || a.count() < 2 || Double.isNaN(before)) {
            return false;
        }
        double usual = noise * noise;
        double standardError = Math.sqrt(Math.max(usual, a.variance()) / a.count()
                + Math.max(usual, beforeVariance) / beforeCount);
        return Math.abs(a.mean() - before) > FAULT_SIGMAS * standardError;
    }

    void observe(WindowAggregate a, long windowStart, long windowMillis) {
        windows++;
        if (lastEnd != Long.MIN_VALUE && windowStart - lastEnd >= windowMillis) {
            gapWindows++;
        }
        boolean flat = a.count() >= 3 && a.max() == a.min();
        if (a.count() >= 3) {
            multiWindows++;
            if (flat) {
                flatWindows++;
                if (!lastFlat) {
                    flatRuns++;
                }
            }
        }
        lastFlat = flat;
        if (a.count() >= 2 && Double.isFinite(a.variance())) {
            spreadWindows++;
            if (a.max() != a.min()) {
                // a flat window says nothing of the noise (stuck, or resting): counted, normal noise would read as spikes
                withinVariance.add(a.variance(), horizon == 0 ? 100 : horizon);
            }
        }
        if (jumpedNow && !lastJumped && !backToLevel) {
            // a new move: remember the level it left (a jump in the next window too is the same move)
            levelBeforeJump = candidateLevel;
            levelBeforeJumpCount = candidateCount;
            levelBeforeJumpVariance = candidateVariance;
        }
        lastJumped = jumpedNow;
        jumpedNow = false;
        backToLevel = false;
        beforeLastEnd = lastEnd;
        beforeLastCount = lastCount;
        beforeLastMean = lastMean;
        beforeLastVariance = lastVariance;
        lastEnd = windowStart + windowMillis;
        lastCount = a.count();
        lastMean = a.mean();
        lastVariance = a.count() >= 2 && Double.isFinite(a.variance()) ? a.variance() : 0.0;
        observe(a, windowMillis);
    }

    private void observe(WindowAggregate a, long windowMillis) {
        if (horizon == 0) {
            horizon = (int) Math.max(100, Math.min(20_000, periodMillis / Math.max(1, windowMillis)));
        }
        count.add(a.count(), horizon);
        double v = a.variance();
        if (a.count() >= 2 && Double.isFinite(v) && Double.isFinite(logOf(a))) {
            double s = Math.sqrt(v);
            spread.add(s, horizon);
            logSpread.add(logOf(a), horizon);
        }
    }

    /**
     * A snapshot of an earlier release (no flat stretches, no window count): each flat window it saw counts as a
     * stretch (its rule), and the windows its noise was learnt from as windows of several readings.
     */
    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (flatRuns == 0) {
            flatRuns = flatWindows;
        }
        if (spreadWindows == 0) {
            spreadWindows = withinVariance.n;
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
