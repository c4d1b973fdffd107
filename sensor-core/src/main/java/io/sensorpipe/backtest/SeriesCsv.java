package io.sensorpipe.backtest;

import io.sensorpipe.schema.TimestampValueCsv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A series in {@link TimestampValueCsv}'s format, read whole, keeping the original text of each row's cells. */
record SeriesCsv(List<String> timestampText, List<String> valueText, long[] ts, double[] values) {
    static SeriesCsv read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IOException(file + ": empty file, expected a 'timestamp,value' header and rows");
        }
        lines.set(0, TimestampValueCsv.stripBom(lines.get(0)));
        int headerLine = 0;
        while (headerLine < lines.size() - 1 && lines.get(headerLine).isBlank()) {
            headerLine++; // blank lines before the header, as the replay skips them
        }
        TimestampValueCsv.Columns columns;
        try {
            columns = TimestampValueCsv.header(lines.get(headerLine));
        } catch (TimestampValueCsv.BadRow e) {
            throw new IOException(file + ":" + (headerLine + 1) + ": " + e.getMessage());
        }
        int first = columns == null ? headerLine : headerLine + 1;
        if (columns == null) {
            columns = TimestampValueCsv.Columns.DEFAULT;
        }
        List<String> tsText = new ArrayList<>(lines.size());
        List<String> valueText = new ArrayList<>(lines.size());
        long[] ts = new long[lines.size()];
        double[] values = new double[lines.size()];
        int n = 0;
        for (int i = first; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            TimestampValueCsv.Row row;
            try {
                row = TimestampValueCsv.row(line, columns);
            } catch (TimestampValueCsv.BadRow e) {
                throw new IOException(file + ":" + (i + 1) + ": " + e.getMessage());
            }
            ts[n] = row.ts();
            values[n] = row.value();
            tsText.add(row.timestampText());
            valueText.add(row.valueText());
            n++;
        }
        return new SeriesCsv(tsText, valueText, Arrays.copyOf(ts, n), Arrays.copyOf(values, n));
    }

    int size() {
        return ts.length;
    }
}
