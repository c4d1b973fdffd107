package io.sensorpipe.metrics;

import java.util.Arrays;
import org.apache.spark.util.AccumulatorV2;

/**
 * Latency samples from executor tasks back to the driver, at most {@link #CAPACITY} per batch: the driver's memory
 * stays independent of how many windows a batch closes (percentiles of a uniform prefix are good enough).
 */
public final class SampleAccumulator extends AccumulatorV2<Long, long[]> {
    static final int CAPACITY = 8_192;
    private long[] samples = new long[16];
    private int size;

    @Override
    public boolean isZero() {
        return size == 0;
    }

    @Override
    public AccumulatorV2<Long, long[]> copy() {
        SampleAccumulator c = new SampleAccumulator();
        c.samples = Arrays.copyOf(samples, Math.max(16, size));
        c.size = size;
        return c;
    }

    @Override
    public void reset() {
        samples = new long[16];
        size = 0;
    }

    @Override
    public void add(Long v) {
        addSample(v);
    }

    public void addSample(long v) {
        if (size == CAPACITY) {
            return;
        }
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, Math.min(CAPACITY, size * 2));
        }
        samples[size++] = v;
    }

    @Override
    public void merge(AccumulatorV2<Long, long[]> other) {
        long[] o = other.value();
        for (long v : o) {
            addSample(v);
        }
    }

    @Override
    public long[] value() {
        return Arrays.copyOf(samples, size);
    }
}
