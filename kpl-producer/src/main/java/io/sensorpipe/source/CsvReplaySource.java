package io.sensorpipe.source;

import io.sensorpipe.schema.Reading;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.stream.Stream;

/**
 * Replays CSV series ({@code timestamp,value}, one file per sensor, e.g. the NAB corpus) as sensors, merged in
 * event-time order. Event timestamps are kept, or shifted so the earliest reading is at {@code shiftTo}.
 * Pacing (real time or accelerated) is the caller's job ({@link Pacer}).
 *
 * <p>Sensor id = {@code prefix/<path relative to the root without .csv>}; site = the parent folder; type "csv".
 * Timestamps: epoch milliseconds, ISO-8601 instants, or {@code yyyy-MM-dd HH:mm:ss[.SSS]} read as UTC.
 * Rows that do not parse are skipped and counted ({@link #skippedRows()}).
 */
public final class CsvReplaySource implements ReadingSource {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]");

    private final List<Series> all = new ArrayList<>();
    private final PriorityQueue<Series> heads = new PriorityQueue<>(
            Comparator.comparingLong((Series s) -> s.head.ts()).thenComparing(s -> s.sensorId));
    private final long offsetMillis;
    private long skippedRows;
    private String firstSkipped;

    /**
     * @param root     a CSV file or a folder searched recursively for *.csv
     * @param prefix   first part of every sensor id
     * @param maxFiles use at most this many files (sorted by path); 0 = all
     * @param shiftTo  epoch ms the earliest reading is moved to, or null to keep the recorded timestamps
     */
    public CsvReplaySource(Path root, String prefix, int maxFiles, Long shiftTo) throws IOException {
        List<Path> files = listCsv(root);
        if (maxFiles > 0 && files.size() > maxFiles) {
            files = files.subList(0, maxFiles);
        }
        if (files.isEmpty()) {
            throw new IOException("no .csv files under " + root);
        }
        Path base = Files.isDirectory(root) ? root : root.toAbsolutePath().getParent();
        for (Path f : files) {
            Series s = new Series(f, base, prefix);
            all.add(s);
            if (s.advance()) {
                heads.add(s);
            } else {
                s.close();
            }
        }
        long earliest = heads.isEmpty() ? 0 : heads.peek().head.ts();
        this.offsetMillis = shiftTo == null ? 0 : shiftTo - earliest;
    }

    static List<Path> listCsv(Path root) throws IOException {
        if (!Files.exists(root)) {
            throw new IOException("CSV source does not exist: " + root);
        }
        if (Files.isRegularFile(root)) {
            return List.of(root);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".csv"))
                    .sorted().toList();
        }
    }

    /** Sensors (files) in this replay. */
    public int sensors() {
        return all.size();
    }

    public long skippedRows() {
        return skippedRows;
    }

    /** The first skipped row as {@code file:line: text}, or null when none was skipped. */
    public String firstSkipped() {
        return firstSkipped;
    }

    @Override
    public Reading next() throws IOException {
        Series s = heads.poll();
        if (s == null) {
            return null;
        }
        Reading r = s.head;
        if (s.advance()) {
            heads.add(s);
        } else {
            s.close();
        }
        return offsetMillis == 0 ? r : new Reading(r.v(), r.sensorId(), r.type(), r.site(), r.ts() + offsetMillis,
                r.value(), r.unit());
    }

    @Override
    public void close() throws IOException {
        for (Series s : all) {
            s.close();
        }
    }

    /** Parses a timestamp cell; throws DateTimeParseException / NumberFormatException when it cannot. */
    static long parseTimestamp(String cell) {
        String t = cell.trim();
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(t);
        }
        if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
            return Instant.parse(t).toEpochMilli();
        }
        return LocalDateTime.parse(t.replace('T', ' '), LOCAL).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** One file, read lazily a row at a time. */
    private final class Series {
        final String sensorId;
        final String site;
        final BufferedReader in;
        final Path file;
        Reading head;
        boolean closed;
        long lineNumber;

        Series(Path file, Path base, String prefix) throws IOException {
            this.file = file;
            String rel = base.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize()).toString()
                    .replace('\\', '/');
            rel = rel.endsWith(".csv") ? rel.substring(0, rel.length() - 4) : rel;
            this.sensorId = prefix == null || prefix.isEmpty() ? rel : prefix + "/" + rel;
            Path parent = file.getParent();
            this.site = parent == null ? "" : parent.getFileName().toString();
            this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        }

        /** Moves to the next parseable row; false at the end of the file. */
        boolean advance() throws IOException {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) { // a byte-order mark, as spreadsheets write UTF-8
                    line = line.substring(1);
                }
                int comma = line.indexOf(',');
                if (line.isBlank()) {
                    continue;
                }
                if (comma < 0) { // a row without a comma (another separator, one column) is not a reading either
                    skip(line);
                    continue;
                }
                try {
                    long ts = parseTimestamp(line.substring(0, comma));
                    double value = Double.parseDouble(line.substring(comma + 1).trim());
                    if (!Double.isFinite(value)) {
                        throw new NumberFormatException("not finite");
                    }
                    head = Reading.of(sensorId, "csv", site, ts, value, "");
                    return true;
                } catch (DateTimeParseException | NumberFormatException e) {
                    if (!line.toLowerCase().startsWith("timestamp")) { // the header is expected, not a bad row
                        skip(line);
                    }
                }
            }
            head = null;
            return false;
        }

        private void skip(String line) {
            skippedRows++;
            if (firstSkipped == null) {
                firstSkipped = file + ":" + lineNumber + ": " + (line.length() > 80 ? line.substring(0, 80) + "…" : line);
            }
        }

        void close() {
            if (!closed) {
                closed = true;
                try {
                    in.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
