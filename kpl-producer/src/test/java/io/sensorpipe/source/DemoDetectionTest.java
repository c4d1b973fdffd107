package io.sensorpipe.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.backtest.DetectionCounts;
import org.junit.jupiter.api.Test;

/**
 * The demo's detection goal, offline: the default run of {@code scripts/pipeline} (20 sensors, 5-second windows,
 * (warm-up + 10 %) windows of history, 2 minutes live) replayed through sensor-core's windowing, the default
 * detector and the job's silence rule for the three seeds the docs report. Goal: detected >= 0.8 x labelled and
 * false alarms <= labelled.
 */
class DemoDetectionTest {
    private static final long LIVE_FROM = 1_764_072_000_000L;

    @Test
    void theSimulatorsDropoutKindIsTheOneTheCountsExtendToTheSensorsReturn() {
        assertThat(AnomalyKind.DROPOUT.name()).isEqualTo(DetectionCounts.DROPOUT);
    }

    @Test
    void theDefaultDetectorFindsMostLabelledAnomaliesOfTheDemoWithFewFalseAlarms() {
        int silences = 0;
        for (long seed : new long[] {42, 1, 2}) {
            DemoDetectionReplay.Result result = DemoDetectionReplay.run(seed, LIVE_FROM);
            DetectionCounts r = result.counts();
            String summary = result.summary();
            silences += result.silences().size();
            // a silence flag is a dropout, never a sensor that was still sending
            for (DetectionCounts.Flag f : result.silences()) {
                assertThat(result.labels()).as(summary + " silence " + f).anyMatch(l -> l.kind().equals(DetectionCounts.DROPOUT)
                        && f.overlaps(l));
            }
            assertThat(r.labelled()).as(summary).isPositive();
            assertThat(r.detected()).as(summary + " missed " + r.missed()).isGreaterThanOrEqualTo(
                    (long) Math.ceil(0.8 * r.labelled()));
            assertThat(r.falseAlarms()).as(summary + " " + r.falseAlarmFlags()).isLessThanOrEqualTo(r.labelled());
            // the live part is past the warm-up: flags come from the trained detector, never from range novelty on
            // a 35-minute history
            assertThat(r.byDetector()).as(summary).containsEntry("range", 0L);
        }
        // the replay runs the job's silence rule: these seeds have dropouts longer than two windows and the watermark
        assertThat(silences).isPositive();
    }
}
