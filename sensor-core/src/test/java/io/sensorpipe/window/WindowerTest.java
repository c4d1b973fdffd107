package io.sensorpipe.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.Reading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class WindowerTest {
    private static final TumblingWindows MINUTE = new TumblingWindows(Duration.ofMinutes(1));
    private static final Duration LATENESS = Duration.ofSeconds(30);

    private static Reading reading(String sensor, long ts, double value) {
        return Reading.of(sensor, "temperature", "site", ts, value, "C");
    }

    private static List<ClosedWindow> run(Windower windower, List<Reading> readings) {
        List<ClosedWindow> closed = new ArrayList<>();
        readings.forEach(r -> closed.addAll(windower.accept(r)));
        closed.addAll(windower.flush());
        return closed;
    }

    /** Readings of several sensors, in event-time order. */
    private static List<Reading> series(Random random, int n) {
        List<Reading> readings = new ArrayList<>();
        long ts = 1_764_072_000_000L;
        for (int i = 0; i < n; i++) {
            ts += 1 + random.nextInt(5_000); // distinct event times: a repeated (sensor, ts) is a duplicate
            readings.add(reading("sensor-" + random.nextInt(4), ts, Math.rint(random.nextGaussian() * 1000) / 7));
        }
        return readings;
    }

    /** Shuffles readings so that none arrives more than {@code maxDelayMillis} behind the newest seen. */
    private static List<Reading> boundedDisorder(List<Reading> inOrder, Random random, long maxDelayMillis) {
        List<long[]> keyed = new ArrayList<>();
        for (int i = 0; i < inOrder.size(); i++) {
            keyed.add(new long[] {inOrder.get(i).ts() + (long) (random.nextDouble() * maxDelayMillis), i});
        }
        keyed.sort(Comparator.comparingLong(k -> k[0]));
        List<Reading> out = new ArrayList<>();
        keyed.forEach(k -> out.add(inOrder.get((int) k[1])));
        return out;
    }

    @RepeatedTest(50)
    void disorderWithinAllowedLatenessGivesTheSameWindows(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition());
        List<Reading> inOrder = series(random, 400);
        Windower ordered = new Windower(MINUTE, LATENESS);
        List<ClosedWindow> expected = run(ordered, inOrder);

        Windower shuffled = new Windower(MINUTE, LATENESS);
        List<ClosedWindow> actual = run(shuffled, boundedDisorder(inOrder, random, LATENESS.toMillis()));

        assertThat(shuffled.lateCount()).isZero();
        assertThat(actual).isEqualTo(expected);
        assertThat(actual.stream().mapToLong(w -> w.aggregate().count()).sum()).isEqualTo(inOrder.size());
    }

    @Test
    void readingBehindTheWatermarkIsCountedLateAndNotAdded() {
        Windower windower = new Windower(MINUTE, Duration.ofSeconds(10));
        assertThat(windower.accept(reading("a", 5_000, 1))).isEmpty();
        assertThat(windower.accept(reading("a", 65_000, 2))).isEmpty(); // watermark 55 000 < end 60 000: still open
        List<ClosedWindow> closed = windower.accept(reading("b", 70_000, 3)); // watermark 60 000 closes [0, 60 000)
        assertThat(closed).singleElement().satisfies(w -> {
            assertThat(w.sensorId()).isEqualTo("a");
            assertThat(w.windowStart()).isZero();
            assertThat(w.aggregate().count()).isEqualTo(1);
        });
        assertThat(windower.accept(reading("a", 59_000, 99))).isEmpty();
        assertThat(windower.accept(reading("c", 1_000, 99))).isEmpty(); // also late for a sensor never seen before
        assertThat(windower.lateCount()).isEqualTo(2);
        List<ClosedWindow> rest = windower.flush();
        assertThat(rest).extracting(ClosedWindow::sensorId).containsExactly("a", "b");
        assertThat(rest).allSatisfy(w -> assertThat(w.aggregate().max()).isLessThan(99));
    }

    @Test
    void lateReadingsBeyondTheBoundAreReportedNotLost() {
        Random random = new Random(11);
        List<Reading> inOrder = series(random, 500);
        List<Reading> disordered = boundedDisorder(inOrder, random, 5 * 60_000);
        Windower windower = new Windower(MINUTE, Duration.ZERO);
        List<ClosedWindow> closed = run(windower, disordered);
        long windowed = closed.stream().mapToLong(w -> w.aggregate().count()).sum();
        assertThat(windower.lateCount()).isPositive();
        assertThat(windowed + windower.lateCount()).isEqualTo(inOrder.size());
    }

    @Test
    void closedWindowsComeOutOrderedByEndThenSensor() {
        Windower windower = new Windower(MINUTE, Duration.ZERO);
        List<Reading> readings = new ArrayList<>();
        for (long ts : new long[] {1_000, 61_000}) {
            for (String s : List.of("c", "a", "b")) {
                readings.add(reading(s, ts, 1));
            }
        }
        List<ClosedWindow> closed = run(windower, readings);
        assertThat(windower.lateCount()).isZero();
        assertThat(closed).extracting(w -> w.windowEnd() + "/" + w.sensorId())
                .containsExactly("60000/a", "60000/b", "60000/c", "120000/a", "120000/b", "120000/c");
    }

    @Test
    void duplicateReadingIsCountedOnceInItsWindowAndNotLate() {
        Windower windower = new Windower(MINUTE, LATENESS);
        List<ClosedWindow> closed = run(windower, List.of(reading("a", 10_000, 1.0), reading("a", 10_000, 1.0),
                reading("a", 20_000, 3.0), reading("a", 130_000, 5.0)));
        assertThat(closed).hasSize(2);
        assertThat(closed.get(0).aggregate().count()).isEqualTo(2);
        assertThat(windower.duplicateCount()).isEqualTo(1);
        assertThat(windower.lateCount()).isZero();
    }
}
