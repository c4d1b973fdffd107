package io.sensorpipe.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BacktestCommandTest {
    private static final DateTimeFormatter NAB_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** A 5-minute NAB-style series with a level jump near the end. */
    private static List<String> generatedSeries(int rows) {
        Random random = new Random(5);
        List<String> lines = new ArrayList<>(List.of("timestamp,value"));
        LocalDateTime t = LocalDateTime.of(2014, 4, 1, 0, 0);
        for (int i = 0; i < rows; i++) {
            double v = 20 + 5 * Math.sin(2 * Math.PI * i / 288) + random.nextGaussian() * 0.5 + (i >= rows - 50 ? 40 : 0);
            lines.add(NAB_TIME.format(t.plusMinutes(5L * i)) + "," + String.format(Locale.ROOT, "%.3f", v));
        }
        return lines;
    }

    @Test
    void writesOneScoredRowPerInputRowMirroringTheDataLayout(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Path out = tmp.resolve("out");
        Files.createDirectories(data.resolve("artificial"));
        List<String> input = generatedSeries(700);
        Files.write(data.resolve("artificial/jump.csv"), input);

        int exit = new CommandLine(new BacktestCommand()).execute(data.toString(), out.toString());

        assertThat(exit).isZero();
        List<String> output = Files.readAllLines(out.resolve("artificial/jump.csv"));
        assertThat(output).hasSameSizeAs(input);
        assertThat(output.get(0)).isEqualTo("timestamp,value,anomaly_score");
        double maxBeforeJump = 0;
        double maxAfterJump = 0;
        for (int i = 1; i < output.size(); i++) {
            String[] cols = output.get(i).split(",");
            assertThat(cols[0] + "," + cols[1]).isEqualTo(input.get(i));
            double score = Double.parseDouble(cols[2]);
            assertThat(score).isBetween(0.0, 1.0);
            if (i < input.size() - 50) {
                maxBeforeJump = Math.max(maxBeforeJump, score);
            } else {
                maxAfterJump = Math.max(maxAfterJump, score);
            }
        }
        assertThat(maxAfterJump).isEqualTo(1.0);
        assertThat(maxBeforeJump).isLessThan(maxAfterJump);
    }

    @Test
    void windowSizeFollowsTheSeriesOwnSamplingInterval() {
        long[] fiveMinutes = {0, 300_000, 600_000, 900_000, 1_500_000};
        assertThat(SeriesBacktest.windowSizeFor(fiveMinutes, null)).isEqualTo(Duration.ofMinutes(5));
        assertThat(SeriesBacktest.windowSizeFor(fiveMinutes, Duration.ofMinutes(1))).isEqualTo(Duration.ofMinutes(1));
        assertThat(SeriesBacktest.windowSizeFor(new long[] {42}, null)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void rejectsAMissingDataDirectoryWithItsName(@TempDir Path tmp) {
        CommandLine cli = new CommandLine(new BacktestCommand());
        java.io.StringWriter err = new java.io.StringWriter();
        cli.setErr(new java.io.PrintWriter(err));
        int exit = cli.execute(tmp.resolve("nope").toString(), tmp.resolve("out").toString());
        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("DATA_DIR");
    }

    private static int run(java.io.StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new BacktestCommand());
        cli.setErr(new java.io.PrintWriter(err));
        cli.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
        return cli.execute(args);
    }

    @Test
    void aMalformedFileFailsTheRunWithOneLineNamingTheFileAndLine(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        Files.write(data.resolve("good.csv"), generatedSeries(20));
        Files.write(data.resolve("bad.csv"), List.of("timestamp,value", "2014-04-01 00:00:00,1", "foo,bar"));
        java.io.StringWriter err = new java.io.StringWriter();

        int exit = run(err, data.toString(), tmp.resolve("out").toString(), "--threads", "2");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("backtest: " + data.resolve("bad.csv")
                + ":3: bad timestamp 'foo' (expected yyyy-MM-dd HH:mm:ss, ISO-8601 or epoch seconds/milliseconds): foo,bar");
    }

    @Test
    void anOutputDirectoryInsideTheDataIsRefusedBeforeAnythingIsWritten(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        List<String> input = generatedSeries(20);
        Files.write(data.resolve("a.csv"), input);
        for (Path out : List.of(data, data.resolve("out"))) {
            java.io.StringWriter err = new java.io.StringWriter();
            assertThat(run(err, data.toString(), out.toString())).isEqualTo(2);
            assertThat(err.toString()).contains("OUT_DIR must be outside DATA_DIR");
        }
        assertThat(Files.readAllLines(data.resolve("a.csv"))).isEqualTo(input);
        assertThat(data.resolve("out")).doesNotExist();
    }

    @Test
    void aDirectoryWithoutCsvFilesAndAZeroWindowAreUsageErrors(@TempDir Path tmp) throws Exception {
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        java.io.StringWriter err = new java.io.StringWriter();
        assertThat(run(err, empty.toString(), tmp.resolve("out").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no .csv files under " + empty);
        Files.write(empty.resolve("a.csv"), generatedSeries(20));
        java.io.StringWriter err2 = new java.io.StringWriter();
        assertThat(run(err2, empty.toString(), tmp.resolve("out").toString(), "--window", "PT0S")).isEqualTo(2);
        assertThat(err2.toString()).contains("--window must be at least 1 ms");
    }

    @Test
    void aByteOrderMarkBeforeTheHeaderIsRead(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        List<String> input = new ArrayList<>(generatedSeries(20));
        input.set(0, "\uFEFF" + input.get(0));
        Files.write(data.resolve("a.csv"), input);
        assertThat(run(new java.io.StringWriter(), data.toString(), tmp.resolve("out").toString())).isZero();
        assertThat(Files.readAllLines(tmp.resolve("out/a.csv"))).hasSize(21);
    }
}
