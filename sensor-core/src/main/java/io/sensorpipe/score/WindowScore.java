package io.sensorpipe.score;

/**
 * The model's verdict on one closed window.
 *
 * @param anomalyScore in [0,1], higher is more anomalous (0 during warm-up)
 * @param anomalyGrade the forest's grade in [0,1] (0 when it does not consider the window anomalous)
 * @param anomaly      true when the window is flagged (never during warm-up)
 * @param expected     the value (window mean) the model expected, when it gives one; else null
 */
public record WindowScore(double anomalyScore, double anomalyGrade, boolean anomaly, Double expected)
        implements java.io.Serializable {
    public WindowScore {
        if (!(anomalyScore >= 0.0 && anomalyScore <= 1.0)) {
            throw new IllegalArgumentException("anomalyScore must be in [0,1], got " + anomalyScore);
        }
    }
}
