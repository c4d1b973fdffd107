package io.sensorpipe.cli.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sensorpipe.schema.ReadingCodec;
import io.sensorpipe.schema.WindowResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowFormatTest {
    private static final long T0 = 1764072000000L; // 2025-11-25T12:00:00Z

    private static WindowResult window(String sensor, long start, double mean, boolean anomaly) {
        return new WindowResult(sensor, start, start + 60_000, 12, mean - 1, mean + 1, mean, 0.25, start + 10,
                start + 59_000, anomaly ? 0.93 : 0.12, anomaly ? 1.0 : 0.0, anomaly, null, "trcf-1", start + 61_000,
                "temperature", "site-a", "C");
    }

    private static String render(WindowFormat format, List<WindowResult> windows) {
        StringWriter s = new StringWriter();
        try (PrintWriter out = new PrintWriter(s)) {
            format.write(windows, out);
        }
        return s.toString();
    }

    @Test
    void tableShowsUtcTimesAlignedColumnsAndMarksAnomalies() {
        String table = render(WindowFormat.TABLE, List.of(
                window("site-a/pump-7/temperature", T0, 73.5, false),
                window("site-a/pump-7/temperature", T0 + 60_000, 101.25, true)));
        List<String> lines = table.lines().toList();
        assertThat(lines.get(0)).startsWith("sensorId").contains("windowStart (UTC)").endsWith("anomaly");
        assertThat(lines.get(1)).contains("2025-11-25 12:00:00").contains("73.500").doesNotContain("*");
        assertThat(lines.get(2)).contains("2025-11-25 12:01:00").contains("101.250").endsWith("*");
        // right-aligned numeric columns: the mean column ends at the same offset on every row
        assertThat(lines.get(1).indexOf("73.500") + "73.500".length())
                .isEqualTo(lines.get(2).indexOf("101.250") + "101.250".length());
        assertThat(lines.get(3)).isEqualTo("(2 windows, 1 anomalous)");
    }

    @Test
    void tableShowsExpectedRangeAndTheDetectorThatFired() {
        WindowResult flagged = new WindowResult("s", T0, T0 + 5_000, 5, 9, 11, 10, 0.5, T0, T0 + 4_000, 0.97, 0.6,
                true, 4.0, "m", T0, "t", "x", "C", 3.5, 4.5, "FOREST_LIKELIHOOD", null);
        WindowResult gap = new WindowResult("s", T0 + 5_000, T0 + 10_000, 5, 1, 1, 1, 0, T0, T0, 0, 0, false, null,
                "m", T0, "t", "x", "C", null, null, "NONE", "IllegalStateException: x");
        List<String> lines = render(WindowFormat.TABLE, List.of(flagged, gap)).lines().toList();
        assertThat(lines.get(0)).contains("expected").contains("detector");
        assertThat(lines.get(1)).contains("3.500..4.500").contains("FOREST_LIKELIHOOD").endsWith("*");
        assertThat(lines.get(2)).contains("UNSCORED").doesNotContain("NONE");
        List<String> csv = render(WindowFormat.CSV, List.of(flagged)).lines().toList();
        assertThat(csv.get(1)).endsWith(",3.5,4.5,FOREST_LIKELIHOOD,,");
    }

    @Test
    void aSensorFaultShowsTheFaultItFoundInTheTableAndCsv() {
        WindowResult stuck = new WindowResult("s", T0, T0 + 5_000, 5, 7, 7, 7, 0, T0, T0 + 4_000, 1.0, 0, true,
                null, "m", T0, "t", "x", "C", 6.0, 8.0, "SENSOR_FAULT", null, "STUCK_VALUE");
        assertThat(render(WindowFormat.TABLE, List.of(stuck)).lines().toList().get(1))
                .contains("SENSOR_FAULT/STUCK_VALUE");
        assertThat(render(WindowFormat.CSV, List.of(stuck)).lines().toList().get(1))
                .endsWith(",SENSOR_FAULT,,STUCK_VALUE");
    }

    @Test
    void csvHasHeaderAndQuotesCellsWithCommasOrQuotes() {
        WindowResult odd = new WindowResult("site \"b\",north/x", T0, T0 + 60_000, 3, 1, 2, 1.5, 0, T0, T0, 0, 0,
                false, 1.4, "m", T0, "t", "site,b", "C");
        List<String> lines = render(WindowFormat.CSV, List.of(odd)).lines().toList();
        assertThat(lines.get(0)).isEqualTo(String.join(",", WindowFormat.CSV_HEADER));
        assertThat(lines.get(1)).startsWith("\"site \"\"b\"\",north/x\"," + T0 + "," + (T0 + 60_000)
                + ",2025-11-25T12:00:00Z,3,");
        assertThat(lines.get(1)).contains(",false,1.4,t,\"site,b\",C");
    }

    @Test
    void jsonIsAnArrayThatReadsBackToTheSameWindows() throws Exception {
        WindowResult why = new WindowResult("c", T0, T0 + 5_000, 5, 9, 11, 10, 0.5, T0, T0 + 4_000, 0.97, 0.6,
                true, 4.0, "m", T0, "t", "x", "C", 3.5, 4.5, "SEASONAL", null);
        List<WindowResult> windows = List.of(window("a", T0, 1.0, false), window("b", T0, 2.0, true), why);
        String json = render(WindowFormat.JSON, windows);
        List<WindowResult> back = ReadingCodec.MAPPER.readValue(json, new TypeReference<List<WindowResult>>() { });
        assertThat(back).isEqualTo(windows);
    }

    @Test
    void emptyResultStillPrintsHeaderAndCount() {
        assertThat(render(WindowFormat.TABLE, List.of()).lines()).last().isEqualTo("(0 windows, 0 anomalous)");
        assertThat(render(WindowFormat.JSON, List.of()).replaceAll("\\s", "")).isEqualTo("[]");
    }
}
