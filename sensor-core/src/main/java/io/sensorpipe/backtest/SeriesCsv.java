package io.sensorpipe.backtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** A NAB-format series ({@code timestamp,value} with a header line), keeping the original text of each row. */
record SeriesCsv(List<String> timestampText, List<String> valueText, long[] ts, double[] values) {
    private static final DateTimeFormatter NAB_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    static SeriesCsv read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IOException(file + ": empty file, expected a 'timestamp,value' header");
        }
        if (lines.get(0).startsWith("\uFEFF")) { // a byte-order mark, as spreadsheet programs write UTF-8
            lines.set(0, lines.get(0).substring(1));
        }
        String[] header = lines.get(0).trim().split(",");
        int tsCol = indexOf(header, "timestamp");
        int valueCol = indexOf(header, "value");
        if (tsCol < 0 || valueCol < 0) {
            throw new IOException(file + ": header must name columns 'timestamp' and 'value', got " + lines.get(0));
        }
        List<String> tsText = new ArrayList<>(lines.size());
        List<String> valueText = new ArrayList<>(lines.size());
        long[] ts = new long[lines.size() - 1];
        double[] values = new double[lines.size() - 1];
        int n = 0;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] cols = line.split(",", -1);
            if (cols.length <= Math.max(tsCol, valueCol)) {
                throw new IOException(file + ":" + (i + 1) + ": expected " + header.length + " columns: " + line);
            }
            String t = cols[tsCol].trim();
            String v = cols[valueCol].trim();
            try {
                ts[n] = parseTime(t);
                values[n] = Double.parseDouble(v);
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new IOException(file + ":" + (i + 1) + ": bad timestamp or value: " + line, e);
            }
            if (!Double.isFinite(values[n])) {
                throw new IOException(file + ":" + (i + 1) + ": value is not finite: " + v);
            }
            tsText.add(t);
            valueText.add(v);
            n++;
        }
        return new SeriesCsv(tsText, valueText, java.util.Arrays.copyOf(ts, n), java.util.Arrays.copyOf(values, n));
    }

    int size() {
        return ts.length;
    }

    /** NAB's "yyyy-MM-dd HH:mm:ss" (UTC), ISO-8601 instants, or epoch milliseconds. */
    static long parseTime(String t) {
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(t);
        }
        if (t.length() == 19 && t.charAt(10) == ' ') {
            return LocalDateTime.parse(t, NAB_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        if (t.endsWith("Z") || t.contains("+")) {
            return Instant.parse(t).toEpochMilli();
        }
        return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static int indexOf(String[] header, String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].trim().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }
}
