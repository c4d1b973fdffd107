package io.sensorpipe.cli.query;

import io.sensorpipe.schema.ReadingCodec;
import io.sensorpipe.schema.WindowResult;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How the query commands print windows: an aligned table for people, CSV and JSON for tools. */
public enum WindowFormat {
    /** Aligned columns, times in UTC to the second, anomalies marked with {@code *}. */
    TABLE {
        @Override
        public void write(List<WindowResult> windows, PrintWriter out) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"sensorId", "windowStart (UTC)", "secs", "count", "mean", "min", "max", "score",
                    "expected", "detector", "anomaly"});
            for (WindowResult w : windows) {
                rows.add(new String[] {w.sensorId(), TABLE_TIME.format(Instant.ofEpochMilli(w.windowStart())),
                        Long.toString((w.windowEnd() - w.windowStart()) / 1000), Long.toString(w.count()),
                        num(w.mean()), num(w.min()), num(w.max()), String.format(Locale.ROOT, "%.3f", w.anomalyScore()),
                        expectedRange(w), detectorCell(w), w.anomaly() ? "*" : ""});
            }
            int[] widths = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int c = 0; c < row.length; c++) {
                    widths[c] = Math.max(widths[c], row[c].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int c = 0; c < row.length; c++) {
                    boolean numeric = c >= 2 && c <= 7;
                    String cell = numeric ? pad(row[c], widths[c], true) : pad(row[c], widths[c], false);
                    line.append(cell).append(c < row.length - 1 ? "  " : "");
                }
                out.println(line.toString().stripTrailing());
            }
            out.println("(" + windows.size() + " window" + (windows.size() == 1 ? "" : "s") + ", "
                    + windows.stream().filter(WindowResult::anomaly).count() + " anomalous)");
        }
    },
    /** RFC 4180 CSV with a header; times as epoch ms and ISO-8601 UTC. */
    CSV {
        @Override
        public void write(List<WindowResult> windows, PrintWriter out) {
            out.print(String.join(",", CSV_HEADER) + "\r\n");
            for (WindowResult w : windows) {
                String[] cells = {w.sensorId(), Long.toString(w.windowStart()), Long.toString(w.windowEnd()),
                        Instant.ofEpochMilli(w.windowStart()).toString(), Long.toString(w.count()),
                        Double.toString(w.min()), Double.toString(w.max()), Double.toString(w.mean()),
                        Double.toString(w.variance()), Double.toString(w.anomalyScore()),
                        Double.toString(w.anomalyGrade()), Boolean.toString(w.anomaly()),
                        w.expected() == null ? "" : Double.toString(w.expected()), w.type(), w.site(), w.unit(),
                        w.expectedLow() == null ? "" : Double.toString(w.expectedLow()),
                        w.expectedHigh() == null ? "" : Double.toString(w.expectedHigh()), w.detector(),
                        w.unscoredReason(), w.fault()};
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < cells.length; i++) {
                    line.append(i == 0 ? "" : ",").append(csvCell(cells[i]));
                }
                out.print(line + "\r\n");
            }
        }
    },
    /** A JSON array of window objects (the {@link WindowResult} wire form), one element per line. */
    JSON {
        @Override
        public void write(List<WindowResult> windows, PrintWriter out) {
            out.println("[");
            for (int i = 0; i < windows.size(); i++) {
                out.println(ReadingCodec.toJson(windows.get(i)) + (i < windows.size() - 1 ? "," : ""));
            }
            out.println("]");
        }
    };

    static final String[] CSV_HEADER = {"sensorId", "windowStart", "windowEnd", "windowStartIso", "count", "min", "max",
            "mean", "variance", "anomalyScore", "anomalyGrade", "anomaly", "expected", "type", "site", "unit",
            "expectedLow", "expectedHigh", "detector", "unscoredReason", "fault"};

    /** The range the model expected the mean in, {@code low..high}; the expected value alone when no range. */
    static String expectedRange(WindowResult w) {
        if (w.expectedLow() != null && w.expectedHigh() != null) {
            return num(w.expectedLow()) + ".." + num(w.expectedHigh());
        }
        return w.expected() == null ? "" : num(w.expected());
    }

    /**
     * Which detector part fired, with the fault it found ({@code SENSOR_FAULT/STUCK_VALUE}); empty for a quiet window,
     * UNSCORED when the model could not score it.
     */
    public static String detectorCell(WindowResult w) {
        if (w.unscored()) {
            return "UNSCORED";
        }
        if (w.detector() == null || "NONE".equals(w.detector())) {
            return "";
        }
        return w.fault() == null ? w.detector() : w.detector() + "/" + w.fault();
    }

    private static final DateTimeFormatter TABLE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    public abstract void write(List<WindowResult> windows, PrintWriter out);

    static String csvCell(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
