package io.sensorpipe.source;

import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.TimestampValueCsv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Files are read as {@link TimestampValueCsv} says, as the backtest reads them; a header without the two columns
 * fails the replay at start, and data rows that are not readings are skipped and counted ({@link #skippedRows()}),
 * where the backtest refuses the file (a replay feeds a live stream, a backtest must score every row).
 */
public final class CsvReplaySource implements ReadingSource {
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
        try {
            for (Path f : files) {
                Series s = new Series(f, base, prefix);
                all.add(s);
                if (s.advance()) {
                    heads.add(s);
                } else {
                    s.close();
                }
            }
        } catch (IOException | RuntimeException e) {
            close(); // the files opened before the one that failed
            throw e;
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

    /** One file, read lazily a row at a time. */
    private final class Series {
        final String sensorId;
        final String site;
        final BufferedReader in;
        final Path file;
        Reading head;
        TimestampValueCsv.Columns columns;
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

        /** Moves to the next reading; false at the end of the file. */
        boolean advance() throws IOException {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                if (columns == null) { // the first row: a header, or already a reading
                    line = TimestampValueCsv.stripBom(line);
                    try {
                        columns = TimestampValueCsv.header(line);
                    } catch (TimestampValueCsv.BadRow e) {
                        throw new IOException(file + ":" + lineNumber + ": " + e.getMessage());
                    }
                    if (columns != null) {
                        continue;
                    }
                    columns = TimestampValueCsv.Columns.DEFAULT;
                }
                try {
                    TimestampValueCsv.Row row = TimestampValueCsv.row(line, columns);
                    head = Reading.of(sensorId, "csv", site, row.ts(), row.value(), "");
                    return true;
                } catch (TimestampValueCsv.BadRow e) {
                    skip(e.getMessage());
                }
            }
            head = null;
            return false;
        }

        private void skip(String why) {
            skippedRows++;
            if (firstSkipped == null) {
                firstSkipped = file + ":" + lineNumber + ": " + why;
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
