package io.sensorpipe.processing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.WindowResult;
import io.sensorpipe.score.SensorScorer;
import io.sensorpipe.score.WindowScore;
import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.WindowAggregate;
import org.junit.jupiter.api.Test;

/** A model failure on one window must not fail the batch (a failed batch re-runs and fails forever). */
class WindowScoringTest {
    /** A model whose state is broken: every score call throws, as TRCF does on a NaN-poisoned forest. */
    private static class BrokenScorer implements SensorScorer {
        @Override
        public WindowScore score(ClosedWindow window) {
            throw new IllegalArgumentException("anomalyScore must be in [0,1], got NaN");
        }

        @Override
        public byte[] snapshot() {
            return new byte[0];
        }

        @Override
        public long windowsSeen() {
            return 0;
        }
    }

    private static ClosedWindow window() {
        WindowAggregate a = WindowAggregate.empty();
        a.add(1_000, 2.0);
        return new ClosedWindow("s", 0, 60_000, a);
    }

    @Test
    void scorerFailureGivesAnUnscoredWindowMarkedInItsModelVersion() {
        WindowResult r = WindowScoring.scoreOrUnscored(new BrokenScorer(), window(), "trcf-v1", 5L, "t", "site", "C");

        assertThat(r.anomalyScore()).isZero();
        assertThat(r.anomalyGrade()).isZero();
        assertThat(r.anomaly()).isFalse();
        assertThat(r.expected()).isNull();
        assertThat(r.modelVersion()).isEqualTo("trcf-v1" + WindowScoring.UNSCORED_SUFFIX);
        assertThat(r.count()).isEqualTo(1);
        assertThat(r.mean()).isEqualTo(2.0);
    }

    @Test
    void workingScorerKeepsItsScoreAndModelVersion() {
        SensorScorer fixed = new BrokenScorer() {
            @Override
            public WindowScore score(ClosedWindow window) {
                return new WindowScore(0.7, 0.5, true, 1.5);
            }
        };
        WindowResult r = WindowScoring.scoreOrUnscored(fixed, window(), "trcf-v1", 5L, "t", "site", "C");
        assertThat(r.anomalyScore()).isEqualTo(0.7);
        assertThat(r.anomaly()).isTrue();
        assertThat(r.modelVersion()).isEqualTo("trcf-v1");
    }
}
