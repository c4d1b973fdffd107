package io.sensorpipe.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class WindowAggregateTest {
    record Point(long ts, double value) {
    }

    private static List<Point> randomPoints(Random random, int n) {
        List<Point> points = new ArrayList<>();
        double offset = random.nextBoolean() ? 0 : 1e6 * random.nextGaussian();
        for (int i = 0; i < n; i++) {
            double v = switch (random.nextInt(4)) {
                case 0 -> offset + random.nextGaussian();
                case 1 -> offset + random.nextGaussian() * 1e-6;
                case 2 -> random.nextDouble() * 1e9 - 5e8;
                default -> Math.rint(random.nextGaussian() * 100) / 10;
            };
            points.add(new Point(1_000_000L + random.nextInt(60_000), v));
        }
        return points;
    }

    private static WindowAggregate aggregate(List<Point> points) {
        WindowAggregate a = WindowAggregate.empty();
        points.forEach(p -> a.add(p.ts(), p.value()));
        return a;
    }

    @Test
    void computesCountMinMaxMeanVarianceAndEventTimeRange() {
        WindowAggregate a = WindowAggregate.empty();
        a.add(30, 2.0);
        a.add(10, 4.0);
        a.add(20, 9.0);
        assertThat(a.count()).isEqualTo(3);
        assertThat(a.min()).isEqualTo(2.0);
        assertThat(a.max()).isEqualTo(9.0);
        assertThat(a.mean()).isEqualTo(5.0);
        assertThat(a.variance()).isCloseTo((9.0 + 1.0 + 16.0) / 3, within(1e-15));
        assertThat(a.firstTs()).isEqualTo(10);
        assertThat(a.lastTs()).isEqualTo(30);
    }

    @Test
    void emptyAggregateHasNoStatistics() {
        WindowAggregate a = WindowAggregate.empty();
        assertThat(a.count()).isZero();
        assertThat(a.mean()).isNaN();
        assertThat(a.variance()).isNaN();
        assertThat(a.merge(WindowAggregate.empty()).count()).isZero();
    }

    @Test
    void varianceStaysAccurateOnALargeOffset() {
        // naive sum-of-squares loses everything here: 1e9² swamps the 1e-2 spread
        WindowAggregate a = WindowAggregate.empty();
        double[] deltas = {0.01, -0.02, 0.03, 0.0, -0.01};
        for (int i = 0; i < deltas.length; i++) {
            a.add(i, 1e9 + deltas[i]);
        }
        double mean = 0;
        for (double d : deltas) {
            mean += (1e9 + d) / deltas.length;
        }
        double expected = 0;
        for (double d : deltas) {
            expected += Math.pow(1e9 + d - mean, 2) / deltas.length;
        }
        assertThat(a.variance()).isCloseTo(expected, within(1e-9));
        assertThat(a.variance()).isPositive();
    }

    @Test
    void rejectsNonFiniteValues() {
        assertThatThrownBy(() -> WindowAggregate.empty().add(0, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
    }

    @RepeatedTest(200)
    void anyOrderAndAnySplitGiveTheIdenticalAggregate(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition());
        List<Point> points = randomPoints(random, 1 + random.nextInt(300));
        WindowAggregate inOrder = aggregate(points);

        List<Point> shuffled = new ArrayList<>(points);
        Collections.shuffle(shuffled, random);
        // split into random partial aggregates and merge them in random order, as Spark partitions would
        int parts = 1 + random.nextInt(8);
        List<WindowAggregate> partials = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            partials.add(WindowAggregate.empty());
        }
        shuffled.forEach(pt -> partials.get(random.nextInt(parts)).add(pt.ts(), pt.value()));
        Collections.shuffle(partials, random);
        WindowAggregate merged = WindowAggregate.empty();
        partials.forEach(merged::merge);

        assertThat(merged).isEqualTo(inOrder);
        assertThat(merged.mean()).isEqualTo(inOrder.mean());
        assertThat(merged.variance()).isEqualTo(inOrder.variance());
        // and the exact value agrees with a two-pass computation
        double mean = points.stream().mapToDouble(Point::value).average().orElseThrow();
        double variance = points.stream().mapToDouble(p -> (p.value() - mean) * (p.value() - mean)).sum() / points.size();
        assertThat(inOrder.variance()).isCloseTo(variance, within(1e-9 * Math.max(1, variance)));
    }
}
