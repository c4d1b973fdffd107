package io.sensorpipe.alerts.message;

import io.sensorpipe.schema.WindowResult;

/**
 * How loud an alert is. The level comes from the stronger of the window's anomaly score and the model's grade
 * (both in [0,1]), so a high-confidence grade is not drowned by a moderate score and vice versa:
 *
 * <pre>
 *   max(score, grade) >= 0.90  CRITICAL
 *   max(score, grade) >= 0.75  HIGH
 *   max(score, grade) >= 0.50  MEDIUM
 *   otherwise                  LOW   (flagged anomalous, but the model is not sure)
 * </pre>
 * Subscribers filter on the {@code severity} message attribute (e.g. email only for HIGH and CRITICAL).
 */
public enum Severity {
    LOW(0.0),
    MEDIUM(0.50),
    HIGH(0.75),
    CRITICAL(0.90);

    private final double threshold;

    Severity(double threshold) {
        this.threshold = threshold;
    }

    /** The smallest max(score, grade) that reaches this level. */
    public double threshold() {
        return threshold;
    }

    public static Severity of(double anomalyScore, double anomalyGrade) {
        double strength = Math.max(anomalyScore, anomalyGrade);
        Severity result = LOW;
        for (Severity level : values()) {
            if (strength >= level.threshold) {
                result = level;
            }
        }
        return result;
    }

    public static Severity of(WindowResult window) {
        return of(window.anomalyScore(), window.anomalyGrade());
    }
}
