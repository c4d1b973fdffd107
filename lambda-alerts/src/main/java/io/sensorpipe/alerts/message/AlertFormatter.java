package io.sensorpipe.alerts.message;

import io.sensorpipe.contract.AlertAttributes;
import io.sensorpipe.schema.WindowResult;
import io.sensorpipe.score.FaultKind;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Builds the human-readable subject/body and the filterable attributes of an alert. */
public final class AlertFormatter {
    static final int MAX_SUBJECT = 100;

    private final Duration historyMargin;

    /** @param historyMargin how far before and after the window the suggested history query reaches */
    public AlertFormatter(Duration historyMargin) {
        this.historyMargin = historyMargin;
    }

    public AlertMessage format(WindowResult window) {
        Severity severity = Severity.of(window);
        String unit = window.unit() == null ? "" : " " + window.unit();
        StringBuilder body = new StringBuilder();
        body.append("Anomalous window for sensor ").append(window.sensorId());
        if (window.site() != null || window.type() != null) {
            body.append(" (");
            if (window.site() != null) {
                body.append("site ").append(window.site());
            }
            if (window.type() != null) {
                body.append(window.site() != null ? ", " : "").append("type ").append(window.type());
            }
            body.append(')');
        }
        body.append("\n\n");
        line(body, "Severity", severity + "  (score " + fixed(window.anomalyScore()) + ", grade " + fixed(window.anomalyGrade()) + ")");
        line(body, "Window", Instant.ofEpochMilli(window.windowStart()) + " .. " + Instant.ofEpochMilli(window.windowEnd())
                + "  (" + humanDuration(window.windowEnd() - window.windowStart()) + ", " + window.count() + " readings)");
        if (window.count() == 0) { // a sensor flagged while it is silent: no value to show
            line(body, "Value", "no readings: the sensor went silent (it usually reports in every window)");
        } else {
            line(body, "Value", "mean " + number(window.mean()) + unit + "  (min " + number(window.min()) + ", max "
                    + number(window.max()) + ")");
        }
        String range = window.expectedLow() != null && window.expectedHigh() != null
                ? "range " + number(window.expectedLow()) + " .. " + number(window.expectedHigh()) + unit : null;
        if (window.expected() != null) {
            double deviation = window.mean() - window.expected();
            line(body, "Expected", number(window.expected()) + unit + (range == null ? "" : ", " + range)
                    + "  (deviation " + (deviation >= 0 ? "+" : "") + number(deviation) + unit + ")");
        } else if (range != null) {
            line(body, "Expected", range);
        } else {
            line(body, "Expected", "(the model gave no expected value)");
        }
        if (window.detector() != null) {
            FaultKind fault = FaultKind.parse(window.fault());
            line(body, "Detector", window.detector() + (fault == null ? describe(window.detector())
                    : ": " + fault + "  (" + fault.description() + ")"));
        }
        if (window.modelVersion() != null) {
            line(body, "Model", window.modelVersion());
        }
        body.append('\n');
        line(body, "History", historyCommand(window));
        return new AlertMessage(subject(severity, window, unit), body.toString(), stringAttributes(window, severity),
                Map.of(AlertAttributes.SCORE, fixed(window.anomalyScore()),
                        AlertAttributes.WINDOW_START, Long.toString(window.windowStart())));
    }

    /** The command that lists this sensor's windows around the anomaly ({@code scripts/query}). */
    public String historyCommand(WindowResult window) {
        Instant from = Instant.ofEpochMilli(window.windowStart()).minus(historyMargin);
        Instant to = Instant.ofEpochMilli(window.windowEnd()).plus(historyMargin);
        return "scripts/query windows --sensor " + shellQuote(window.sensorId()) + " --from " + from + " --to " + to;
    }

    static String subject(Severity severity, WindowResult window, String unit) {
        String expected = window.expected() == null ? "" : " (expected " + number(window.expected()) + unit + ")";
        String subject = "[" + severity + "] anomaly " + window.sensorId() + ": "
                + (window.count() == 0 ? "silent (no readings)" : number(window.mean()) + unit + expected);
        return asciiSubject(subject);
    }

    /** SNS rejects subjects over 100 characters or with control/non-ASCII characters. */
    static String asciiSubject(String raw) {
        StringBuilder clean = new StringBuilder(raw.length());
        for (char c : raw.toCharArray()) {
            clean.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return clean.length() <= MAX_SUBJECT ? clean.toString() : clean.substring(0, MAX_SUBJECT - 3) + "...";
    }

    private static Map<String, String> stringAttributes(WindowResult window, Severity severity) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(AlertAttributes.SENSOR_ID, window.sensorId());
        attributes.put(AlertAttributes.SEVERITY, severity.name());
        if (window.site() != null && !window.site().isBlank()) {
            attributes.put(AlertAttributes.SITE, window.site());
        }
        if (window.type() != null && !window.type().isBlank()) {
            attributes.put(AlertAttributes.TYPE, window.type());
        }
        if (window.detector() != null && !window.detector().isBlank()) {
            attributes.put(AlertAttributes.DETECTOR, window.detector());
        }
        if (window.fault() != null && !window.fault().isBlank()) {
            attributes.put(AlertAttributes.FAULT, window.fault());
        }
        return attributes;
    }

    /** What the named detector part saw, so a reader of the alert knows why without the docs. */
    static String describe(String detector) {
        return switch (detector) {
            case "FOREST_LIKELIHOOD" -> "  (an unusual shape: the forest's score, unlikely for this sensor)";
            case "SEASONAL" -> "  (a value unusual for this hour of the week)";
            case "WINDOW_STATS" -> "  (unusual spread or number of readings: noise burst, stuck sensor, gaps)";
            case "RANGE_NOVELTY" -> "  (a mean beyond every value this sensor has shown so far)";
            case "SENSOR_FAULT" -> "  (a clear fault in this window: spike, level jump, stuck value or missed readings)";
            default -> "";
        };
    }

    private static void line(StringBuilder body, String label, String value) {
        body.append(String.format(Locale.ROOT, "%-9s %s\n", label + ":", value));
    }

    private static String fixed(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    /** Up to 4 significant decimals without trailing zeros: 73.96, 0.0012, 1500. */
    static String number(double value) {
        String text = String.format(Locale.ROOT, "%.4f", value);
        text = text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
        return "-0".equals(text) ? "0" : text;
    }

    private static String humanDuration(long millis) {
        Duration duration = Duration.ofMillis(millis);
        if (duration.toSecondsPart() == 0 && duration.toMillisPart() == 0 && duration.toMinutes() > 0) {
            return duration.toMinutes() + " min";
        }
        return number(millis / 1000.0) + " s";
    }

    private static String shellQuote(String value) {
        return value.matches("[A-Za-z0-9_./:@=+-]+") ? value : "'" + value.replace("'", "'\\''") + "'";
    }
}
