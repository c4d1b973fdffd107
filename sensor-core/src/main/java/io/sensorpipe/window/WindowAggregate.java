package io.sensorpipe.window;

import java.io.Serializable;
import java.util.Objects;

/**
 * Count, min, max, mean, variance and first/last event time of the readings in one window; mergeable, so Spark can
 * combine partial aggregates of the same window computed on different partitions.
 *
 * <p>Sums are kept exactly (see {@link ExactSum}) instead of with Welford/Chan updates: the result is then identical
 * for the same readings in any order and any split into partial aggregates, and the variance does not suffer from
 * cancellation (it is computed from the exact value of {@code n·Σx² − (Σx)²}).
 *
 * <p>Empty aggregate: count 0, min/max/mean/variance NaN, firstTs {@link Long#MAX_VALUE}, lastTs {@link Long#MIN_VALUE}.
 * Not thread-safe.
 */
public final class WindowAggregate implements Serializable {
    private static final long serialVersionUID = 1L;

    // package-private for WindowStateCodec
    long count;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    long firstTs = Long.MAX_VALUE;
    long lastTs = Long.MIN_VALUE;
    final ExactSum sum = new ExactSum();
    final ExactSum sumOfSquares = new ExactSum();

    private WindowAggregate() {
    }

    public static WindowAggregate empty() {
        return new WindowAggregate();
    }

    /** Adds one reading; {@code value} must be finite (the parser rejects NaN/infinity before it gets here). */
    public void add(long ts, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value must be finite, got " + value);
        }
        count++;
        // -0.0 and 0.0 compare equal in <, so normalise to keep min/max order-independent.
        double v = value == 0.0 ? 0.0 : value;
        min = Math.min(min, v);
        max = Math.max(max, v);
        firstTs = Math.min(firstTs, ts);
        lastTs = Math.max(lastTs, ts);
        sum.add(v);
        sumOfSquares.addProduct(v, v);
    }

    /** Adds {@code other}'s readings to this aggregate and returns this; {@code other} is not changed. */
    public WindowAggregate merge(WindowAggregate other) {
        if (other == this) {
            other = other.copy();
        }
        count += other.count;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        firstTs = Math.min(firstTs, other.firstTs);
        lastTs = Math.max(lastTs, other.lastTs);
        sum.addAll(other.sum);
        sumOfSquares.addAll(other.sumOfSquares);
        return this;
    }

    public WindowAggregate copy() {
        WindowAggregate c = new WindowAggregate();
        c.merge(this);
        return c;
    }

    public long count() {
        return count;
    }

    public double min() {
        return count == 0 ? Double.NaN : min;
    }

    public double max() {
        return count == 0 ? Double.NaN : max;
    }

    public double sum() {
        return sum.value();
    }

    public double mean() {
        if (count == 0) {
            return Double.NaN;
        }
        double m = sum.value() / count;
        // rounding can push the mean a hair outside [min, max] for constant series
        return Math.max(min, Math.min(max, m));
    }

    /** Population variance (divides by n), never negative. */
    public double variance() {
        if (count == 0) {
            return Double.NaN;
        }
        if (count == 1 || min == max) {
            return 0.0;
        }
        // n·Σx² − (Σx)², summed exactly, then rounded once and divided by n².
        ExactSum numerator = new ExactSum();
        double n = (double) count;
        for (double q : sumOfSquares.partials()) {
            numerator.addProduct(q, n);
        }
        double[] s = sum.partials();
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < s.length; j++) {
                numerator.addProduct(-s[i], s[j]);
            }
        }
        double v = numerator.value() / n / n;
        return Math.max(0.0, v);
    }

    public long firstTs() {
        return firstTs;
    }

    public long lastTs() {
        return lastTs;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WindowAggregate w)) {
            return false;
        }
        return count == w.count && Double.compare(min(), w.min()) == 0 && Double.compare(max(), w.max()) == 0
                && Double.compare(mean(), w.mean()) == 0 && Double.compare(variance(), w.variance()) == 0
                && firstTs == w.firstTs && lastTs == w.lastTs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(count, min(), max(), mean(), variance(), firstTs, lastTs);
    }

    @Override
    public String toString() {
        return "WindowAggregate{count=" + count + ", min=" + min() + ", max=" + max() + ", mean=" + mean()
                + ", variance=" + variance() + ", firstTs=" + firstTs + ", lastTs=" + lastTs + "}";
    }
}
