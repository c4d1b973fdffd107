package io.sensorpipe.source;

import java.util.Locale;

/**
 * Ground truth for one injected anomaly: which sensor, what, and the event-time span it affects (inclusive).
 *
 * @param magnitude offset (level shift, spike), noise factor (burst), or 0 (stuck, dropout)
 */
public record AnomalyLabel(String sensorId, AnomalyKind kind, long startTs, long endTs, double magnitude) {

    public static final String CSV_HEADER = "sensorId,kind,startTs,endTs,magnitude";

    public String toCsv() {
        return String.format(Locale.ROOT, "%s,%s,%d,%d,%.4f", sensorId, kind, startTs, endTs, magnitude);
    }
}
