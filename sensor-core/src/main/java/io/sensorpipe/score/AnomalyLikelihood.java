package io.sensorpipe.score;

import java.io.Serializable;

/**
 * Turns a raw anomaly score stream (here: the forest's score) into a calibrated score in [0,1], as Numenta's
 * "anomaly likelihood" does for HTM on NAB: the short moving average of raw scores is compared with the distribution
 * of that average over a long history, and the Gaussian tail probability becomes a log-scaled score. This makes one
 * threshold work for every sensor, whatever the scale of its raw scores.
 *
 * <p>Bounded state: the long-history distribution is a running mean/variance (cumulative, then exponentially
 * weighted over {@code historyWindows}) instead of a stored history, and is re-read every
 * {@code reestimationPeriod} windows like the original.
 */
final class AnomalyLikelihood implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Likelihood for a "red" (very unlikely) score; a red right after a red is lowered to "yellow". */
    private static final double RED_TAIL = 1e-5;
    private static final double YELLOW_TAIL = 1e-3;
    private static final double LOG_SCALE = -23.02585084720009; // log(1e-10)

    private int learningPeriod;
    private final int estimationSamples;
    private final int historyWindows;
    private final int reestimationPeriod;
    private final double[] recent;
    private int recentCount;
    private int recentNext;
    private double recentSum;
    private long iteration;
    private long statsCount;
    private double statsMean;
    private double statsVariance;
    private boolean hasDistribution;
    private double distMean;
    private double distStdev;
    private double previousTail = 1.0;

    AnomalyLikelihood(int learningPeriod, int estimationSamples, int historyWindows, int reestimationPeriod,
                      int averagingWindow) {
        this.learningPeriod = learningPeriod;
        this.estimationSamples = estimationSamples;
        this.historyWindows = historyWindows;
        this.reestimationPeriod = reestimationPeriod;
        this.recent = new double[averagingWindow];
    }

    /** Sets the learning period, before the first score only (a sensor's window size is known at its first window). */
    void learningPeriod(int windows) {
        if (iteration != 0) {
            throw new IllegalStateException("learning period set after " + iteration + " scores");
        }
        this.learningPeriod = windows;
    }

    /** Windows before the first non-zero score. */
    int probationaryPeriod() {
        return learningPeriod + estimationSamples;
    }

    /** Feeds one raw score and returns the log-scaled likelihood score in [0,1] (0 during the probationary period). */
    double next(double rawScore) {
        double average = movingAverage(rawScore);
        double score = 0.0;
        if (iteration >= probationaryPeriod()) {
            if (!hasDistribution || iteration % reestimationPeriod == 0) {
                distMean = statsMean;
                distStdev = Math.sqrt(Math.max(0.0, statsVariance));
                hasDistribution = true;
            }
            double tail = upperTail(average);
            // A red right after a red only counts as yellow: one incident, one alert.
            double filtered = tail <= RED_TAIL && previousTail <= RED_TAIL ? YELLOW_TAIL : tail;
            previousTail = tail;
            double likelihood = 1.0 - filtered;
            score = Math.log(1.0000000001 - likelihood) / LOG_SCALE;
        }
        iteration++;
        if (iteration > learningPeriod) {
            statsCount++;
            double alpha = 1.0 / Math.min(statsCount, historyWindows);
            double delta = average - statsMean;
            statsMean += alpha * delta;
            statsVariance = (1 - alpha) * (statsVariance + alpha * delta * delta);
        }
        return Math.max(0.0, Math.min(1.0, score));
    }

    private double movingAverage(double x) {
        if (recentCount == recent.length) {
            recentSum -= recent[recentNext];
        } else {
            recentCount++;
        }
        recent[recentNext] = x;
        recentNext = (recentNext + 1) % recent.length;
        recentSum += x;
        return recentSum / recentCount;
    }

    private double upperTail(double x) {
        if (x <= distMean) {
            return 0.5;
        }
        if (distStdev <= 0) {
            return 0.0;
        }
        return 0.5 * erfc((x - distMean) / distStdev / Math.sqrt(2));
    }

    /** Complementary error function (Numerical Recipes' erfcc, fractional error < 1.2e-7), deterministic. */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}
