package io.sensorpipe.score;

import io.sensorpipe.schema.WindowResult;
import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.WindowAggregate;

/** Joins a closed window and its score into the stored {@link WindowResult} contract. */
public final class WindowResults {
    private WindowResults() {
    }

    public static WindowResult toResult(ClosedWindow w, WindowScore s, String modelVersion, long processedAt,
                                        String type, String site, String unit) {
        WindowAggregate a = w.aggregate();
        // A model that overflowed (RCF stores floats) can emit NaN/Infinity; DynamoDB refuses them and the batch
        // would fail on every replay, so a non-finite score is stored as "no score" instead.
        Double expected = finiteOrNull(s.expected());
        boolean anomaly = s.anomaly() && Double.isFinite(s.anomalyGrade());
        // A flag dropped above is no flag: the stored detector then says NONE, never a part that did not fire.
        String detector = anomaly ? s.detector().name() : Detector.NONE.name();
        return new WindowResult(w.sensorId(), w.windowStart(), w.windowEnd(), a.count(), a.min(), a.max(), a.mean(),
                a.variance(), a.firstTs(), a.lastTs(), finiteOrZero(s.anomalyScore()), finiteOrZero(s.anomalyGrade()),
                anomaly, expected, modelVersion, processedAt, type, site,
                unit, finiteOrNull(s.expectedLow()), finiteOrNull(s.expectedHigh()), detector,
                s.unscoredReason(), anomaly && s.fault() != null ? s.fault().name() : null);
    }

    /**
     * A window in which a sensor that usually reports in every window sent nothing, flagged while its silence lasts
     * ({@link SensorScorer#flagsSilence}): no readings (count 0, the statistics 0), score 1, {@link
     * Silence#DETECTOR}, fault {@link FaultKind#SILENT}.
     */
    public static WindowResult silence(String sensorId, long windowStart, long windowEnd, String modelVersion,
                                       long processedAt, String type, String site, String unit) {
        return new WindowResult(sensorId, windowStart, windowEnd, 0, 0.0, 0.0, 0.0, 0.0, 0, 0, 1.0, 0.0, true, null,
                modelVersion, processedAt, type, site, unit, null, null, Silence.DETECTOR.name(), null,
                FaultKind.SILENT.name());
    }

    private static Double finiteOrNull(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }

    private static double finiteOrZero(double v) {
        return Double.isFinite(v) ? v : 0.0;
    }
}
