package io.sensorpipe.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.Reading;
import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.SensorWindowState;
import io.sensorpipe.window.TumblingWindows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HistoryTrainingTest {
    private static final ScorerConfig CONFIG = ScorerConfig.defaults();
    private static final TumblingWindows WINDOWS = new TumblingWindows(Duration.ofSeconds(5));

    @Test
    void learnsExactlyTheWindowsBeforeTheCutWhateverTheOrderAndCountsDuplicatesOnce() {
        Random random = new Random(3);
        List<Reading> readings = new ArrayList<>();
        for (long ts = 0; ts < 2_200_000; ts += 1_000) {
            readings.add(Reading.of("s", "temperature", "site", ts + 7, 20 + 0.2 * random.nextGaussian(), "C"));
            readings.add(Reading.of("other", "temperature", "site", ts + 7, 5, "C")); // another sensor: ignored
        }
        long cut = 2_000_000 + 2_500; // mid-window: the stream takes over at that window's start, 2 000 000
        List<Reading> shuffled = new ArrayList<>(readings);
        shuffled.add(readings.get(10)); // the archive holds a duplicate
        Collections.shuffle(shuffled, new Random(4));

        HistoryTraining.Trained trained = HistoryTraining.train(CONFIG, WINDOWS, "s", shuffled.iterator(), cut);

        assertThat(trained.learntUpTo()).isEqualTo(2_000_000);
        assertThat(trained.windowsLearnt()).isEqualTo(400);
        assertThat(trained.newestTs()).isEqualTo(1_999_007);
        assertThat(trained.type()).isEqualTo("temperature");
        // the same model as learning the windows before the cut in order
        SensorWindowState state = new SensorWindowState("s", WINDOWS);
        readings.stream().filter(r -> r.sensorId().equals("s") && r.ts() < 2_000_000)
                .forEach(r -> state.offer(r.ts(), r.value(), Long.MIN_VALUE));
        SensorScorer expected = Scorers.warmStart(CONFIG, "s", state.closeUpTo(Long.MAX_VALUE));
        assertThat(trained.scorer().windowsSeen()).isEqualTo(expected.windowsSeen());
        SensorWindowState next = new SensorWindowState("s", WINDOWS);
        readings.stream().filter(r -> r.sensorId().equals("s") && r.ts() >= 2_000_000)
                .forEach(r -> next.offer(r.ts(), r.value(), Long.MIN_VALUE));
        for (ClosedWindow w : next.closeUpTo(Long.MAX_VALUE)) {
            WindowScore a = trained.scorer().score(w);
            assertThat(a.anomalyScore()).isPositive(); // past the warm-up (388 windows learnt)
            assertThat(a).isEqualTo(expected.score(w));
        }
    }

    @Test
    void aSensorWithoutHistoryGetsAFreshModel() {
        HistoryTraining.Trained trained = HistoryTraining.train(CONFIG, WINDOWS, "s", List.<Reading>of().iterator(),
                10_000);
        assertThat(trained.windowsLearnt()).isZero();
        assertThat(trained.newestTs()).isEqualTo(Long.MIN_VALUE);
        assertThat(trained.scorer().windowsSeen()).isZero();
    }
}
