package io.sensorpipe.backtest;

import io.sensorpipe.score.Detector;
import io.sensorpipe.score.ScorerConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scripts/backtest DATA_DIR OUT_DIR}: replays every {@code DATA_DIR/**}{@code /*.csv} (NAB format, one sensor
 * per file) through the windows + scorer and writes {@code OUT_DIR/<same relative path>} with columns
 * {@code timestamp,value,anomaly_score}, one row per input row in the same order (NAB's results layout).
 * One configuration for every file; the only per-series input is its own sampling interval (window size).
 */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = "Replay NAB-format CSV series through the windows + anomaly scorer and write per-row scores.")
public final class BacktestCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DATA_DIR", description = "directory searched recursively for *.csv")
    Path dataDir;

    @Parameters(index = "1", paramLabel = "OUT_DIR", description = "output directory (mirrors DATA_DIR's layout)")
    Path outDir;

    /** A week: the seasonal baseline's period; a coarser window leaves nothing to compare within a series. */
    static final Duration MAX_WINDOW = Duration.ofDays(7);

    @Option(names = "--window", paramLabel = "DURATION",
            description = "fixed window size (ISO-8601, e.g. PT5M); default: the series' median sampling interval")
    Duration window;

    @Option(names = "--allowed-lateness", paramLabel = "DURATION", defaultValue = "PT0S",
            description = "watermark lag behind the newest event time (default ${DEFAULT-VALUE})")
    Duration allowedLateness;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "model random seed (default ${DEFAULT-VALUE})")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "files scored in parallel (default ${DEFAULT-VALUE})")
    int threads;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BacktestCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dataDir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "DATA_DIR is not a directory: " + dataDir);
        }
        if (threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be >= 1, got " + threads);
        }
        if (window != null && (window.toMillis() < 1 || window.compareTo(MAX_WINDOW) > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--window must be at least 1 ms and at most "
                    + MAX_WINDOW + ", got " + window);
        }
        if (allowedLateness.isNegative()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--allowed-lateness must not be negative, got "
                    + allowedLateness);
        }
        Path data = dataDir.toAbsolutePath().normalize();
        if (outDir.toAbsolutePath().normalize().startsWith(data)) {
            // the output mirrors DATA_DIR's names: it would overwrite the inputs, or be read as input by the next run
            throw new CommandLine.ParameterException(spec.commandLine(), "OUT_DIR must be outside DATA_DIR, got "
                    + outDir + " inside " + dataDir);
        }
        // exactly the benchmarked configuration; --seed is the only override, and it shows in the summary
        ScorerConfig config = ScorerConfig.defaults().toBuilder().randomSeed(seed).build();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dataDir)) {
            files = walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".csv"))
                    .sorted().toList();
        }
        if (files.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no .csv files under " + dataDir
                    + " (expected NAB-style timestamp,value files, e.g. NAB/data)");
        }
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<SeriesBacktest.Result>> results = new ArrayList<>();
        for (Path file : files) {
            results.add(pool.submit(() -> backtestFile(file, config)));
        }
        long rows = 0;
        long windows = 0;
        long late = 0;
        long[] flags = new long[Detector.values().length];
        try {
            for (Future<SeriesBacktest.Result> f : results) {
                SeriesBacktest.Result r;
                try {
                    r = f.get();
                } catch (ExecutionException e) {
                    // the file's own message (it names the file and line) on one line, not a stack trace
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException || cause instanceof java.io.UncheckedIOException
                            || cause instanceof IllegalArgumentException) {
                        spec.commandLine().getErr().println("backtest: " + cause.getMessage());
                        spec.commandLine().getErr().flush();
                        results.forEach(other -> other.cancel(true));
                        return 1;
                    }
                    throw e;
                }
                rows += r.scores().length;
                windows += r.windows();
                late += r.late();
                for (int d = 0; d < flags.length; d++) {
                    flags[d] += r.flags()[d];
                }
            }
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "backtest: %d files, %d rows, %d windows scored, %d late readings, %.1f s, model %s, "
                        + "overrides %s%n", files.size(), rows, windows, late, seconds, config.modelVersion(),
                config.overrides().isEmpty() ? "none" : config.overrides());
        // at the scorer's own alert threshold (NAB sweeps its own): which part of the detector is behind the flags
        StringBuilder byDetector = new StringBuilder();
        for (Detector d : Detector.values()) {
            if (d != Detector.NONE) {
                byDetector.append(byDetector.isEmpty() ? "" : " ").append(d).append('=').append(flags[d.ordinal()]);
            }
        }
        System.out.printf(Locale.ROOT, "flags at alertThreshold %s by detector: %s%n", config.alertThreshold(),
                byDetector);
        return 0;
    }

    private SeriesBacktest.Result backtestFile(Path file, ScorerConfig config) throws IOException {
        SeriesCsv series;
        try {
            series = SeriesCsv.read(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text (" + e + "): save it as UTF-8", e);
        }
        if (series.size() == 0) {
            throw new IOException(file + ": no rows after the header");
        }
        Path relative = dataDir.relativize(file);
        String sensorId = relative.toString().replace('\\', '/').replaceAll("\\.csv$", "");
        SeriesBacktest.Result r = SeriesBacktest.run(sensorId, series.ts(), series.values(), config, window,
                allowedLateness);
        Path out = outDir.resolve(relative.toString());
        try {
            Files.createDirectories(out.getParent());
        } catch (IOException e) {
            throw new IOException("cannot write " + out + " (" + e + "): choose an OUT_DIR you can write", e);
        }
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            w.write("timestamp,value,anomaly_score\n");
            for (int i = 0; i < series.size(); i++) {
                w.write(series.timestampText().get(i));
                w.write(',');
                w.write(series.valueText().get(i));
                w.write(',');
                w.write(formatScore(r.scores()[i]));
                w.write('\n');
            }
        }
        return r;
    }

    static String formatScore(double s) {
        return String.format(Locale.ROOT, "%.6f", s);
    }
}
