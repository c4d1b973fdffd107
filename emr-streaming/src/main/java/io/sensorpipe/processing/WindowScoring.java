package io.sensorpipe.processing;

import io.sensorpipe.schema.WindowResult;
import io.sensorpipe.score.Scorers;
import io.sensorpipe.score.SensorScorer;
import io.sensorpipe.score.Silence;
import io.sensorpipe.score.WindowResults;
import io.sensorpipe.score.WindowScore;
import io.sensorpipe.window.ClosedWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one closed window without letting the model stop the job: a scorer that throws (a corrupted or overflowed
 * model) gives an unscored window (score 0, not anomalous, {@code modelVersion} marked {@value #UNSCORED_SUFFIX},
 * the failure stored as its {@code unscoredReason}; sensor-core's {@code Scorers.scoreOrUnscored}), counted in
 * UnscoredWindows and logged. A failed query would re-run the same batch from its checkpoint, fail again, and never
 * recover.
 */
public final class WindowScoring {
    private static final Logger LOG = LoggerFactory.getLogger(WindowScoring.class);
    /** Appended to the model version of a window the model could not score. */
    public static final String UNSCORED_SUFFIX = "+unscored";

    private WindowScoring() {
    }

    public static WindowResult scoreOrUnscored(SensorScorer scorer, ClosedWindow w, String modelVersion,
                                               long processedAt, String type, String site, String unit) {
        return scoreOrUnscored(scorer, w, false, modelVersion, processedAt, type, site, unit);
    }

    /**
     * As above; {@code afterFlaggedSilence}: the sensor's first window since its silence was flagged, judged by
     * {@link Silence#afterFlaggedSilence} (its return is not a second incident).
     */
    public static WindowResult scoreOrUnscored(SensorScorer scorer, ClosedWindow w, boolean afterFlaggedSilence,
                                               String modelVersion, long processedAt, String type, String site,
                                               String unit) {
        WindowScore score = Scorers.scoreOrUnscored(scorer, w);
        if (afterFlaggedSilence) {
            score = Silence.afterFlaggedSilence(score);
        }
        if (score.unscored()) {
            LOG.error("scorer failed on window {} [{}, {}): {}; stored unscored", w.sensorId(), w.windowStart(),
                    w.windowEnd(), score.unscoredReason());
            return unscored(w, score.unscoredReason(), modelVersion, processedAt, type, site, unit);
        }
        return WindowResults.toResult(w, score, modelVersion, processedAt, type, site, unit);
    }

    /** A window stored without a score, for {@code reason}: marked as every unscored window is, and counted so. */
    public static WindowResult unscored(ClosedWindow w, String reason, String modelVersion, long processedAt,
                                        String type, String site, String unit) {
        return WindowResults.toResult(w, WindowScore.unscored(reason), modelVersion + UNSCORED_SUFFIX, processedAt,
                type, site, unit);
    }
}
