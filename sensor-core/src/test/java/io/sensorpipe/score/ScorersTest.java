package io.sensorpipe.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.WindowAggregate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScorersTest {
    private static final long MINUTE = 60_000L;
    private static final ScorerConfig CONFIG = ScorerConfig.defaults();

    /** A daily-ish periodic signal with noise, one window per minute. */
    static List<ClosedWindow> periodicSeries(String sensorId, int n, long seed) {
        Random random = new Random(seed);
        List<ClosedWindow> windows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            WindowAggregate a = WindowAggregate.empty();
            long start = i * MINUTE;
            a.add(start + 1, 50 + 10 * Math.sin(2 * Math.PI * i / 96.0) + random.nextGaussian());
            windows.add(new ClosedWindow(sensorId, start, start + MINUTE, a));
        }
        return windows;
    }

    static ClosedWindow windowWithMean(String sensorId, long index, double value) {
        WindowAggregate a = WindowAggregate.empty();
        a.add(index * MINUTE + 1, value);
        return new ClosedWindow(sensorId, index * MINUTE, (index + 1) * MINUTE, a);
    }

    private static List<WindowScore> scoreAll(SensorScorer scorer, List<ClosedWindow> windows) {
        List<WindowScore> scores = new ArrayList<>();
        for (ClosedWindow w : windows) {
            scores.add(scorer.score(w));
        }
        return scores;
    }

    @Test
    void sameSeedGivesIdenticalScores() {
        List<ClosedWindow> series = periodicSeries("s", 900, 1);
        List<WindowScore> first = scoreAll(Scorers.create(CONFIG, "s"), series);
        List<WindowScore> second = scoreAll(Scorers.create(CONFIG, "s"), series);
        assertThat(second).isEqualTo(first);
        assertThat(first).anySatisfy(s -> assertThat(s.anomalyScore()).isPositive());
    }

    @Test
    void restoredScorerContinuesExactlyLikeTheOriginal() {
        List<ClosedWindow> series = periodicSeries("s", 1000, 2);
        SensorScorer original = Scorers.create(CONFIG, "s");
        scoreAll(original, series.subList(0, 600));
        SensorScorer restored = Scorers.restore(CONFIG, original.snapshot());
        assertThat(restored.windowsSeen()).isEqualTo(600);
        List<ClosedWindow> rest = new ArrayList<>(series.subList(600, 1000));
        rest.set(200, windowWithMean("s", 800, 500.0)); // an anomaly after the restore point scores the same too
        assertThat(scoreAll(restored, rest)).isEqualTo(scoreAll(original, rest));
    }

    @Test
    void snapshotOfAWarmModelStaysWithin64KiB() {
        SensorScorer scorer = Scorers.create(CONFIG, "s");
        scoreAll(scorer, periodicSeries("s", 2000, 3));
        assertThat(scorer.snapshot().length).isLessThanOrEqualTo(64 * 1024);
    }

    @Test
    void noAnomalyIsFlaggedDuringWarmUp() {
        SensorScorer scorer = Scorers.create(CONFIG, "s");
        for (int i = 0; i < CONFIG.warmupWindows(); i++) {
            // wild values that would otherwise be novel
            WindowScore s = scorer.score(windowWithMean("s", i, i % 2 == 0 ? i * 1000.0 : -i * 1000.0));
            assertThat(s.anomaly()).isFalse();
            assertThat(s.anomalyScore()).isZero();
        }
    }

    @Test
    void spikeAfterWarmUpIsFlaggedAndScoresStayInUnitInterval() {
        SensorScorer scorer = Scorers.create(CONFIG, "s");
        List<WindowScore> normal = scoreAll(scorer, periodicSeries("s", 800, 4));
        assertThat(normal).allSatisfy(s -> assertThat(s.anomalyScore()).isBetween(0.0, 1.0));
        WindowScore spike = scorer.score(windowWithMean("s", 800, 200.0));
        assertThat(spike.anomaly()).isTrue();
        assertThat(spike.anomalyScore()).isEqualTo(1.0);
        assertThat(spike.expected()).isNotNull();
        long flaggedNormal = normal.stream().filter(WindowScore::anomaly).count();
        assertThat(flaggedNormal).isLessThan(10);
    }

    @Test
    void restoreRejectsSnapshotOfAnotherConfiguration() {
        SensorScorer scorer = Scorers.create(CONFIG, "s");
        byte[] snapshot = scorer.snapshot();
        ScorerConfig other = CONFIG.toBuilder().randomSeed(7).build();
        assertThatThrownBy(() -> Scorers.restore(other, snapshot)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("seed7");
    }

    @Test
    void restoreRejectsBytesThatAreNotASnapshot() {
        assertThatThrownBy(() -> Scorers.restore(CONFIG, new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a scorer snapshot");
    }

    @Test
    void invalidConfigurationNamesTheField() {
        assertThatThrownBy(() -> ScorerConfig.builder().shingleSize(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'shingleSize'");
        assertThatThrownBy(() -> ScorerConfig.builder().alertThreshold(1.5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'alertThreshold'");
    }
}
