package io.sensorpipe.score;

/**
 * The model's verdict on one closed window.
 *
 * @param anomalyScore   in [0,1], higher is more anomalous (0 during warm-up and when unscored)
 * @param anomalyGrade   the forest's grade in [0,1] (0 when it does not consider the window anomalous)
 * @param anomaly        true when the window is flagged (never during warm-up, never when unscored)
 * @param expected       the value (window mean) the model expected, when it has one; else null
 * @param expectedLow    lower end of the range the model expected the mean in, when it has one; else null
 * @param expectedHigh   upper end of that range; else null
 * @param detector       the part of the detector that flagged the window; {@link Detector#NONE} when not anomalous
 * @param unscoredReason null for a scored window; else why the model could not score it (see {@link #unscored()})
 * @param fault          which fault a {@link Detector#SENSOR_FAULT} flag found; null for any other window
 */
public record WindowScore(double anomalyScore, double anomalyGrade, boolean anomaly, Double expected,
                          Double expectedLow, Double expectedHigh, Detector detector, String unscoredReason,
                          FaultKind fault)
        implements java.io.Serializable {
    public WindowScore {
        if (!(anomalyScore >= 0.0 && anomalyScore <= 1.0)) {
            throw new IllegalArgumentException("anomalyScore must be in [0,1], got " + anomalyScore);
        }
        if (detector == null) {
            throw new IllegalArgumentException("detector must not be null (use Detector.NONE)");
        }
        if (anomaly && detector == Detector.NONE) {
            throw new IllegalArgumentException("an anomalous window must name the detector that fired");
        }
        if (unscoredReason != null && anomaly) {
            throw new IllegalArgumentException("an unscored window cannot be anomalous");
        }
        if (fault != null && !(anomaly && detector == Detector.SENSOR_FAULT)) {
            throw new IllegalArgumentException("a fault kind belongs to a window flagged by " + Detector.SENSOR_FAULT
                    + ", got " + (anomaly ? detector : "an unflagged window"));
        }
    }

    /** A verdict that names no fault kind (every part but {@link Detector#SENSOR_FAULT}). */
    public WindowScore(double anomalyScore, double anomalyGrade, boolean anomaly, Double expected,
                       Double expectedLow, Double expectedHigh, Detector detector, String unscoredReason) {
        this(anomalyScore, anomalyGrade, anomaly, expected, expectedLow, expectedHigh, detector, unscoredReason, null);
    }

    /** A score without range or detector (kept for callers that only know score, grade, flag and expected value). */
    public WindowScore(double anomalyScore, double anomalyGrade, boolean anomaly, Double expected) {
        this(anomalyScore, anomalyGrade, anomaly, expected, null, null,
                anomaly ? Detector.FOREST_LIKELIHOOD : Detector.NONE, null);
    }

    /** A window the model could not score (e.g. the scorer threw): not anomalous, and countable by callers. */
    public static WindowScore unscored(String reason) {
        String r = reason == null || reason.isBlank() ? "unknown" : reason;
        return new WindowScore(0.0, 0.0, false, null, null, null, Detector.NONE, r);
    }

    /** True when the model did not score this window ({@link #unscoredReason()} says why). */
    public boolean unscored() {
        return unscoredReason != null;
    }
}
