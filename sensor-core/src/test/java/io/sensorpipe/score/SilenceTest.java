package io.sensorpipe.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.window.TumblingWindows;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SilenceTest {
    private final TumblingWindows fiveSeconds = new TumblingWindows(Duration.ofSeconds(5));

    @Test
    void theSecondWholeEmptyWindowIsFlaggedOnceTheWatermarkPassesIt() {
        long newest = 12_300; // in [10 s, 15 s): [15, 20) may be empty by clock jitter, [20, 25) is the silence
        assertThat(Silence.flaggedWindowStart(fiveSeconds, newest)).isEqualTo(20_000);
        assertThat(Silence.dueAt(fiveSeconds, newest)).isEqualTo(25_000);
        assertThat(Silence.due(fiveSeconds, newest, 24_999)).isFalse();
        assertThat(Silence.due(fiveSeconds, newest, 25_000)).isTrue();
    }

    @Test
    void aReadingOnAWindowStartCountsForThatWindow() {
        assertThat(Silence.flaggedWindowStart(fiveSeconds, 10_000)).isEqualTo(20_000);
        assertThat(Silence.flaggedWindowStart(fiveSeconds, 9_999)).isEqualTo(15_000);
        assertThat(Silence.flaggedWindowStart(fiveSeconds, -1)).isEqualTo(5_000); // floor, before the epoch too
    }

    @Test
    void aReturnAfterAFlaggedSilenceIsDampedBelowTheThresholdButAnotherFaultInItsWindowStillFlags() {
        WindowScore gap = new WindowScore(1.0, 0.0, true, 20.0, 19.0, 21.0, Detector.SENSOR_FAULT, null, FaultKind.GAP);
        WindowScore spike = new WindowScore(1.0, 0.0, true, 20.0, 19.0, 21.0, Detector.SENSOR_FAULT, null,
                FaultKind.SPIKE);
        WindowScore quiet = new WindowScore(0.1, 0.0, false, 20.0, 19.0, 21.0, Detector.NONE, null);

        WindowScore back = Silence.afterFlaggedSilence(gap);

        assertThat(back.anomaly()).isFalse();
        assertThat(back.detector()).isEqualTo(Detector.NONE);
        assertThat(back.fault()).isNull();
        assertThat(back.anomalyScore()).isEqualTo(TrcfEnsembleScorer.COOLDOWN_DAMPING)
                .isLessThan(ScorerConfig.defaults().alertThreshold());
        assertThat(back.expected()).isEqualTo(20.0);
        assertThat(Silence.afterFlaggedSilence(spike)).isSameAs(spike);
        assertThat(Silence.afterFlaggedSilence(quiet)).isSameAs(quiet);
    }
}
