package io.sensorpipe.window;

import java.io.Serializable;
import java.util.Arrays;

/**
 * An exact running sum of doubles (Shewchuk's non-overlapping partials, as in Python's {@code math.fsum}).
 *
 * <p>Why not plain Welford/Chan: floating-point updates depend on the order of additions, so two Spark partitions
 * merged in a different order would give results differing in the last bits. The partials represent the exact
 * sum, so {@link #value()} (correctly rounded) is the same for any order and any split, and merging is exact.
 * Products are added exactly as well ({@link #addProduct}), via {@link Math#fma}, which gives an exact variance.
 */
final class ExactSum implements Serializable {
    private static final long serialVersionUID = 1L;

    // package-private for WindowStateCodec
    double[] partials = new double[4];
    int size;
    /** Set when a partial overflowed; then the plain (inexact) sum below is used. */
    boolean overflowed;
    double naive;

    void add(double x) {
        naive += x;
        if (overflowed) {
            return;
        }
        int i = 0;
        for (int j = 0; j < size; j++) {
            double y = partials[j];
            if (Math.abs(x) < Math.abs(y)) {
                double t = x;
                x = y;
                y = t;
            }
            double hi = x + y;
            double lo = y - (hi - x);
            if (lo != 0.0) {
                partials[i++] = lo;
            }
            x = hi;
        }
        if (!Double.isFinite(x)) {
            overflowed = true;
            return;
        }
        if (i == partials.length) {
            partials = Arrays.copyOf(partials, partials.length * 2);
        }
        partials[i++] = x;
        size = i;
    }

    /** Adds {@code a * b} exactly (the product is split into a rounded part and its error term). */
    void addProduct(double a, double b) {
        double p = a * b;
        add(p);
        if (Double.isFinite(p)) {
            add(Math.fma(a, b, -p));
        }
    }

    void addAll(ExactSum other) {
        for (int j = 0; j < other.size; j++) {
            add(other.partials[j]);
        }
        if (other.overflowed) {
            overflowed = true;
        }
        // keep the naive fallback consistent with "sum of everything"
        naive += other.naive - sumOf(other.partials, other.size);
    }

    double[] partials() {
        return Arrays.copyOf(partials, size);
    }

    /** The exact sum, correctly rounded to a double (round-half-even), independent of insertion order. */
    double value() {
        if (overflowed) {
            return naive;
        }
        int n = size;
        if (n == 0) {
            return 0.0;
        }
        double hi = partials[--n];
        double lo = 0.0;
        while (n > 0) {
            double x = hi;
            double y = partials[--n];
            hi = x + y;
            double yr = hi - x;
            lo = y - yr;
            if (lo != 0.0) {
                break;
            }
        }
        // Half-even correction: the remaining partials decide a tie in the rounding of hi + lo.
        if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
            double y = lo * 2;
            double x = hi + y;
            double yr = x - hi;
            if (y == yr) {
                hi = x;
            }
        }
        return hi;
    }

    ExactSum copy() {
        ExactSum c = new ExactSum();
        c.partials = Arrays.copyOf(partials, Math.max(4, size));
        c.size = size;
        c.overflowed = overflowed;
        c.naive = naive;
        return c;
    }

    private static double sumOf(double[] values, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += values[i];
        }
        return s;
    }
}
