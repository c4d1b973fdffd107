package io.sensorpipe.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.WindowResult;
import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.WindowAggregate;
import org.junit.jupiter.api.Test;

class WindowResultsTest {
    @Test
    void copiesAggregateScoreAndSensorAttributesIntoTheResult() {
        WindowAggregate a = WindowAggregate.empty();
        a.add(1_005, 1.0);
        a.add(1_050, 3.0);
        ClosedWindow w = new ClosedWindow("site-a/pump-7/temperature", 0, 60_000, a);
        WindowScore s = new WindowScore(0.75, 0.4, true, 2.5);

        WindowResult r = WindowResults.toResult(w, s, "v1", 123L, "temperature", "site-a", "C");

        assertThat(r).isEqualTo(new WindowResult("site-a/pump-7/temperature", 0, 60_000, 2, 1.0, 3.0, 2.0, 1.0, 1_005,
                1_050, 0.75, 0.4, true, 2.5, "v1", 123L, "temperature", "site-a", "C", null, null, "FOREST_LIKELIHOOD",
                null));
    }

    @Test
    void carriesTheWhyExpectedRangeDetectorAndUnscoredReason() {
        WindowAggregate a = WindowAggregate.empty();
        a.add(1_005, 9.0);
        ClosedWindow w = new ClosedWindow("s", 0, 60_000, a);

        WindowResult flagged = WindowResults.toResult(w,
                new WindowScore(0.9, 0.7, true, 5.0, 4.0, 6.0, Detector.SEASONAL, null), "v1", 1L, "t", "x", "u");
        WindowResult unscored = WindowResults.toResult(w, WindowScore.unscored("IllegalStateException: boom"),
                "v1", 1L, "t", "x", "u");
        WindowResult nonFiniteRange = WindowResults.toResult(w,
                new WindowScore(0.1, 0.0, false, 5.0, Double.NEGATIVE_INFINITY, Double.NaN, Detector.NONE, null),
                "v1", 1L, "t", "x", "u");

        assertThat(flagged.expectedLow()).isEqualTo(4.0);
        assertThat(flagged.expectedHigh()).isEqualTo(6.0);
        assertThat(flagged.detector()).isEqualTo("SEASONAL");
        assertThat(flagged.unscored()).isFalse();
        assertThat(unscored.unscoredReason()).isEqualTo("IllegalStateException: boom");
        assertThat(unscored.unscored()).isTrue();
        assertThat(unscored.detector()).isEqualTo("NONE");
        assertThat(unscored.anomaly()).isFalse();
        assertThat(nonFiniteRange.expectedLow()).isNull();
        assertThat(nonFiniteRange.expectedHigh()).isNull();
    }

    @Test
    void nonFiniteGradeAndExpectedBecomeZeroAndAbsentSoTheItemCanBeStored() {
        WindowAggregate a = WindowAggregate.empty();
        a.add(1_005, 1.0);
        ClosedWindow w = new ClosedWindow("s", 0, 60_000, a);
        WindowScore poisoned = new WindowScore(0.0, Double.NaN, true, Double.POSITIVE_INFINITY);

        WindowResult r = WindowResults.toResult(w, poisoned, "v1", 123L, "t", "", "");

        assertThat(r.anomalyGrade()).isZero();
        assertThat(r.anomalyScore()).isZero();
        assertThat(r.expected()).isNull();
        assertThat(r.anomaly()).isFalse();
        assertThat(r.detector()).isEqualTo("NONE");
        WindowResult nanExpected = WindowResults.toResult(w, new WindowScore(0.5, 0.2, false, Double.NaN), "v1", 1L,
                "t", "", "");
        assertThat(nanExpected.expected()).isNull();
        assertThat(nanExpected.anomalyGrade()).isEqualTo(0.2);
    }

    @Test
    void aSensorFaultFlagNamesItsFaultAndASilenceIsSilent() {
        WindowAggregate a = WindowAggregate.empty();
        a.add(1_005, 9.0);
        ClosedWindow w = new ClosedWindow("s", 0, 60_000, a);

        WindowResult stuck = WindowResults.toResult(w, new WindowScore(1.0, 0.0, true, null, null, null,
                Detector.SENSOR_FAULT, null, FaultKind.STUCK_VALUE), "v1", 1L, "t", "x", "u");
        WindowResult seasonal = WindowResults.toResult(w,
                new WindowScore(0.9, 0.7, true, 5.0, 4.0, 6.0, Detector.SEASONAL, null), "v1", 1L, "t", "x", "u");
        WindowResult silent = WindowResults.silence("s", 60_000, 120_000, "v1", 1L, "t", "x", "u");

        assertThat(stuck.fault()).isEqualTo("STUCK_VALUE");
        assertThat(seasonal.fault()).isNull();
        assertThat(silent.detector()).isEqualTo(Silence.DETECTOR.name());
        assertThat(silent.fault()).isEqualTo("SILENT");
    }
}
