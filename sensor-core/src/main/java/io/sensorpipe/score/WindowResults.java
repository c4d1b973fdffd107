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
        return new WindowResult(w.sensorId(), w.windowStart(), w.windowEnd(), a.count(), a.min(), a.max(), a.mean(),
                a.variance(), a.firstTs(), a.lastTs(), s.anomalyScore(), s.anomalyGrade(), s.anomaly(), s.expected(),
                modelVersion, processedAt, type, site, unit);
    }
}
