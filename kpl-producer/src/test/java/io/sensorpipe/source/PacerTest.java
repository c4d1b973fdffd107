package io.sensorpipe.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the pacer on a fake clock that only sleeping advances, so the assertions are exact on any machine load. */
class PacerTest {

    /** A clock that stands still except when the pacer sleeps; records every sleep. */
    private static final class FakeClock {
        long now = 5_000_000_000L; // arbitrary non-zero start: the pacer must work relative to its anchor
        final List<Long> sleeps = new ArrayList<>();

        Pacer pacer(double speed) {
            return new Pacer(speed, () -> now, nanos -> {
                sleeps.add(nanos);
                now += nanos;
            });
        }

        long sleptNanos() {
            return sleeps.stream().mapToLong(Long::longValue).sum();
        }
    }

    @Test
    void acceleratedPaceWaitsEventTimeDividedBySpeed() throws Exception {
        FakeClock clock = new FakeClock();
        Pacer pacer = clock.pacer(600); // 2 minutes of event time → 200 ms
        assertThat(pacer.awaitDue(0, () -> false)).isTrue();
        assertThat(pacer.awaitDue(120_000, () -> false)).isTrue();
        assertThat(clock.sleptNanos()).isEqualTo(200_000_000L);
    }

    @Test
    void timeAlreadySpentElsewhereIsNotWaitedAgain() throws Exception {
        FakeClock clock = new FakeClock();
        Pacer pacer = clock.pacer(600);
        pacer.awaitDue(0, () -> false);
        clock.now += 150_000_000L; // the caller took 150 ms of the 200 ms itself
        pacer.awaitDue(120_000, () -> false);
        assertThat(clock.sleptNanos()).isEqualTo(50_000_000L);
    }

    @Test
    void speedZeroDoesNotWait() throws Exception {
        FakeClock clock = new FakeClock();
        Pacer pacer = clock.pacer(0);
        pacer.awaitDue(0, () -> false);
        assertThat(pacer.awaitDue(3_600_000, () -> false)).isTrue();
        assertThat(clock.sleeps).isEmpty();
    }

    @Test
    void stopCutsALongWaitShortWithinOneSleepSlice() throws Exception {
        FakeClock clock = new FakeClock();
        Pacer pacer = clock.pacer(1); // an hour of event time at real pace
        pacer.awaitDue(0, () -> false);
        long t0 = clock.now;
        assertThat(pacer.awaitDue(3_600_000, () -> clock.now - t0 > 150_000_000L)).isFalse();
        // stop became true after the second 100 ms slice and was seen before a third sleep
        assertThat(clock.sleeps).containsExactly(Pacer.MAX_SLEEP_NANOS, Pacer.MAX_SLEEP_NANOS);
    }

    @Test
    void realClockWaitsAtLeastTheDueTime() throws Exception {
        // Wiring check of the production constructor: only a lower bound, which machine load cannot break.
        Pacer pacer = new Pacer(600);
        long t0 = System.nanoTime();
        pacer.awaitDue(0, () -> false);
        pacer.awaitDue(30_000, () -> false); // 50 ms
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(50_000_000L);
    }
}
