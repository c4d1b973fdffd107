package io.sensorpipe.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.score.Detector;
import org.junit.jupiter.api.Test;

/**
 * The demo's detection goal, offline: the default run of {@code scripts/pipeline} (20 sensors, 5-second windows,
 * (warm-up + 10 %) windows of history, 2 minutes live) replayed through sensor-core's windowing and the default
 * detector for the three seeds the docs report. Goal: detected >= 0.8 x labelled and false alarms <= labelled.
 */
class DemoDetectionTest {
    private static final long LIVE_FROM = 1_764_072_000_000L;

    @Test
    void theDefaultDetectorFindsMostLabelledAnomaliesOfTheDemoWithFewFalseAlarms() {
        for (long seed : new long[] {42, 1, 2}) {
            DemoDetectionReplay.Result r = DemoDetectionReplay.run(seed, LIVE_FROM);
            assertThat(r.labelled()).as(r.summary()).isPositive();
            assertThat(r.detected()).as(r.summary() + " missed " + r.missed()).isGreaterThanOrEqualTo(
                    (int) Math.ceil(0.8 * r.labelled()));
            assertThat(r.falseAlarms()).as(r.summary() + " " + r.falseAlarmWindows()).isLessThanOrEqualTo(r.labelled());
            // the live part is past the warm-up: flags come from the trained detector, never from range novelty on
            // a 35-minute history
            assertThat(r.byDetector()).doesNotContainKey(Detector.RANGE_NOVELTY);
        }
    }
}
