package io.sensorpipe.contract;

/**
 * Names of the SNS message attributes the alert Lambda sets on every alert: the one home for the publisher
 * ({@code lambda-alerts}), the readers ({@code alerts tail}, {@code scripts/query alerts}) and subscription filter
 * policies. String attributes unless noted.
 */
public final class AlertAttributes {
    public static final String SENSOR_ID = "sensorId";
    /**
     * {@code LOW} / {@code MEDIUM} / {@code HIGH} / {@code CRITICAL} (lambda-alerts' {@code Severity} names, from the
     * stronger of the window's score and grade); SNS filter policies match them exactly, upper case.
     */
    public static final String SEVERITY = "severity";
    /** The anomaly score in [0,1] (SNS type Number, so filter policies can compare it). */
    public static final String SCORE = "score";
    public static final String SITE = "site";
    public static final String TYPE = "type";
    /** Window start, epoch ms (SNS type Number). */
    public static final String WINDOW_START = "windowStart";
    /** Which part of the detector fired, an {@code io.sensorpipe.score.Detector} name (e.g. FOREST_LIKELIHOOD). */
    public static final String DETECTOR = "detector";
    /** For a SENSOR_FAULT alert: which fault, an {@code io.sensorpipe.score.FaultKind} name (e.g. STUCK_VALUE). */
    public static final String FAULT = "fault";

    private AlertAttributes() {
    }
}
