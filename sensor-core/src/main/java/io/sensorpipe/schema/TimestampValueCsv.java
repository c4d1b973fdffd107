package io.sensorpipe.schema;

import io.sensorpipe.config.EpochText;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The CSV series format of NAB and of the user's own recordings: one series per file, a {@code timestamp,value}
 * header, one reading per row. The backtest and the producer's replay both read it here, so a file means the same
 * series to both.
 *
 * <ul>
 *   <li>The header names the columns (any order, any case, other columns ignored); a file whose first row is already a
 *       reading has none, and its columns are timestamp then value.</li>
 *   <li>A UTF-8 byte-order mark before the first row (as spreadsheet programs write) is not part of it.</li>
 *   <li>Timestamps: {@code yyyy-MM-dd HH:mm[:ss[.fraction]]} or the same with {@code T}, read as UTC unless an offset
 *       ({@code Z}, {@code +02:00}) follows; or whole epoch seconds or milliseconds, told apart by size
 *       ({@link EpochText}).</li>
 *   <li>Values: finite decimal numbers.</li>
 * </ul>
 */
public final class TimestampValueCsv {
    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffsetId().optionalEnd()
            .toFormatter(Locale.ROOT);

    private TimestampValueCsv() {
    }

    /** Where the timestamp and the value are in a row. */
    public record Columns(int timestamp, int value) {
        /** A file without a header. */
        public static final Columns DEFAULT = new Columns(0, 1);

        int width() {
            return Math.max(timestamp, value) + 1;
        }
    }

    /** One reading: its time, its value, and both cells as written (the backtest echoes them). */
    public record Row(long ts, double value, String timestampText, String valueText) {
    }

    /** A row that is not a reading; the message says why, without the file or line (the caller has them). */
    public static final class BadRow extends Exception {
        public BadRow(String message) {
            super(message);
        }
    }

    /** The first line without a byte-order mark. */
    public static String stripBom(String firstLine) {
        return firstLine.startsWith("\uFEFF") ? firstLine.substring(1) : firstLine;
    }

    /**
     * The columns a first line names, or null when it is not a header (blank, or a row with a time or a number in it:
     * a reading, maybe a bad one, which the row rules then judge).
     *
     * @throws BadRow when it is a header (no cell a time or a number) without a timestamp or a value column
     */
    public static Columns header(String firstLine) throws BadRow {
        String[] cells = firstLine.split(",", -1);
        if (firstLine.isBlank()) {
            return null;
        }
        for (String cell : cells) { // a row with a time or a number in it is a reading (maybe a bad one), not names
            if (isTimestamp(cell.trim()) || isNumber(cell.trim())) {
                return null;
            }
        }
        int ts = -1;
        int value = -1;
        for (int i = 0; i < cells.length; i++) {
            String name = cells[i].trim().toLowerCase(Locale.ROOT);
            if (name.equals("timestamp") && ts < 0) {
                ts = i;
            } else if (name.equals("value") && value < 0) {
                value = i;
            }
        }
        if (ts < 0 || value < 0) {
            throw new BadRow("the header must name a 'timestamp' and a 'value' column, comma-separated; got: " + abbreviate(firstLine));
        }
        return new Columns(ts, value);
    }

    /** A data row's reading. @throws BadRow naming what is wrong with it */
    public static Row row(String line, Columns columns) throws BadRow {
        String[] cells = line.split(",", -1);
        if (cells.length < columns.width()) {
            throw new BadRow("expected at least " + columns.width() + " comma-separated columns: " + abbreviate(line));
        }
        String t = cells[columns.timestamp()].trim();
        String v = cells[columns.value()].trim();
        long ts;
        try {
            ts = parseTimestamp(t);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new BadRow("bad timestamp '" + abbreviate(t) + "' (expected yyyy-MM-dd HH:mm:ss, ISO-8601 or epoch"
                    + " seconds/milliseconds): " + abbreviate(line));
        }
        double value;
        try {
            value = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new BadRow("bad value '" + abbreviate(v) + "' (expected a number): " + abbreviate(line));
        }
        if (!Double.isFinite(value)) {
            throw new BadRow("value is not finite: " + abbreviate(line));
        }
        return new Row(ts, value, t, v);
    }

    /**
     * Epoch milliseconds of a timestamp cell.
     *
     * @throws DateTimeParseException or NumberFormatException when it is none of the accepted forms
     */
    public static long parseTimestamp(String cell) {
        String t = cell.trim();
        OptionalLong epoch = EpochText.millis(t);
        if (epoch.isPresent()) {
            return epoch.getAsLong();
        }
        TemporalAccessor parsed = TIME.parse(t.length() > 10 && t.charAt(10) == ' '
                ? t.substring(0, 10) + 'T' + t.substring(11) : t);
        LocalDateTime local = LocalDateTime.from(parsed);
        ZoneOffset offset = parsed.isSupported(ChronoField.OFFSET_SECONDS) ? ZoneOffset.from(parsed) : ZoneOffset.UTC;
        return OffsetDateTime.of(local, offset).toInstant().toEpochMilli();
    }

    private static boolean isNumber(String cell) {
        try {
            Double.parseDouble(cell);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isTimestamp(String cell) {
        try {
            parseTimestamp(cell);
            return true;
        } catch (DateTimeParseException | NumberFormatException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
