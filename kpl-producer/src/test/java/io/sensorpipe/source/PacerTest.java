package io.sensorpipe.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacerTest {
    @Test
    void acceleratedPaceWaitsEventTimeDividedBySpeed() throws Exception {
        Pacer pacer = new Pacer(600); // 2 minutes of event time → 200 ms
        long t0 = System.nanoTime();
        pacer.awaitDue(0, () -> false);
        pacer.awaitDue(120_000, () -> false);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isBetween(190L, 1000L);
    }

    @Test
    void speedZeroDoesNotWait() throws Exception {
        Pacer pacer = new Pacer(0);
        long t0 = System.nanoTime();
        pacer.awaitDue(0, () -> false);
        assertThat(pacer.awaitDue(3_600_000, () -> false)).isTrue();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(100);
    }

    @Test
    void stopCutsALongWaitShort() throws Exception {
        Pacer pacer = new Pacer(1);
        pacer.awaitDue(0, () -> false);
        long t0 = System.nanoTime();
        assertThat(pacer.awaitDue(3_600_000, () -> System.nanoTime() - t0 > 150_000_000L)).isFalse();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
    }
}
