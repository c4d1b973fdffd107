package io.sensorpipe.producer;

import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.source.AnomalyLabel;
import io.sensorpipe.source.CsvReplaySource;
import io.sensorpipe.source.ReadingSource;
import io.sensorpipe.source.Simulator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The producer CLI: readings from the simulator or CSV replay → KPL (or the plain PutRecords writer) → Kinesis,
 * with backpressure, progress lines, a final report that adds up, and clean flushing on Ctrl-C.
 *
 * <p>Exit codes: 0 all records acknowledged; 1 some records failed (see the failure file); 2 bad usage;
 * 3 bad configuration or unusable stream/endpoint, or a CSV replay with no reading in its files.
 */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        version = "sensorpipe kpl-producer 0.1.0",
        subcommands = BenchCommand.class,
        description = "Publishes sensor readings to a Kinesis stream through the KPL (aggregated, partition key = sensor id).",
        footer = {"", "Endpoints come from AWS_ENDPOINT_URL_KINESIS / AWS_ENDPOINT_URL (SDK) and "
                + "SENSORPIPE_KPL_KINESIS_ENDPOINT / SENSORPIPE_KPL_STS_ENDPOINT (KPL, TLS).",
                "Exit codes: 0 ok, 1 some records failed (failure file), 2 usage, 3 configuration / stream / endpoint, or a "
                        + "CSV replay with no reading in its files."})
public final class ProducerCommand implements Callable<Integer> {
    public static final int EXIT_RECORDS_FAILED = 1;
    public static final int EXIT_CONFIG = 3;

    enum SourceKind { simulator, csv }

    enum WriterKind { kpl, sdk }

    @Option(names = "--stream", description = "Kinesis stream name (required).")
    String stream;

    @Option(names = "--source", defaultValue = "simulator", description = "simulator or csv (default ${DEFAULT-VALUE}).")
    SourceKind source;

    @Option(names = "--sensors", defaultValue = "20",
            description = "Simulated sensors; for csv the maximum number of files (0 = all) (default ${DEFAULT-VALUE}).")
    int sensors;

    @Option(names = "--rate", description = "Simulator: readings per second over all sensors at --speed 1 (default: one per sensor per second).")
    Double rate;

    @Option(names = "--speed", defaultValue = "1",
            description = "Pace relative to event time: 1 real time, 600 ten minutes a second, 0 as fast as possible (default ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--duration", converter = Durations.class, description = "Stop after this wall time (e.g. 60s, 5m).")
    Duration duration;

    @Option(names = "--count", description = "Stop after this many readings.")
    Long count;

    @Option(names = "--seed", defaultValue = "42", description = "Simulator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--start", description = "Simulator: event time of the first live samples, epoch ms (default: now); --history comes before it.")
    Long startMillis;

    @Option(names = "--history", converter = Durations.class,
            description = "Simulator: first write this much past event time of every sensor (now-history .. now) as"
                    + " fast as the bound allows, anomalies included and labelled, then go on live; --duration is the"
                    + " live part. Lets the models learn before the live part (e.g. 40m).")
    Duration history;

    @Option(names = "--history-speed", defaultValue = "0",
            description = "Pace of --history relative to event time, 0 = as fast as the bound allows (default"
                    + " ${DEFAULT-VALUE}); e.g. 15 writes 30 minutes of history in 2, so a consumer that is slower than"
                    + " the producer reads it as it comes instead of as one backlog.")
    double historySpeed;

    @Option(names = {"--max-disorder", "--history-disorder"}, converter = Durations.class,
            description = "How far in event time readings may reach a shard out of order (the KPL keeps no order within"
                    + " a shard): the KPL writer accepts a reading only while it is at most this much event time past"
                    + " the oldest one not yet acknowledged, retries included. On by default for a run faster than"
                    + " real time (--history, for the whole run; --speed 0 or above 1): a quarter of the streaming"
                    + " job's default --watermark, " + JobOptions.DEFAULT_WATERMARK + "; 0: one event time in flight"
                    + " at a time. Not for --writer sdk.")
    Duration maxDisorder;

    @Option(names = "--anomaly-rate", defaultValue = "0.002",
            description = "Simulator: chance an anomaly starts at a sample (default ${DEFAULT-VALUE}).")
    double anomalyRate;

    @Option(names = "--csv", description = "CSV source: a timestamp,value file or a folder of them (e.g. a NAB data folder, see the README).")
    Path csv;

    @Option(names = "--shift-to-now", description = "CSV source: move event times so the earliest reading is now.")
    boolean shiftToNow;

    @Option(names = "--writer", defaultValue = "kpl", description = "kpl or sdk (plain PutRecords baseline) (default ${DEFAULT-VALUE}).")
    WriterKind writer;

    @Option(names = "--create-stream", description = "Create the stream when it does not exist.")
    boolean createStream;

    @Option(names = "--shards", defaultValue = "2", description = "Shards for --create-stream (default ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--run-dir", description = "Where labels.csv and failures.jsonl go (default: runs/produce-<UTC time>).")
    Path runDir;

    @Option(names = "--report-file", description = "Also write the final report as JSON here.")
    Path reportFile;

    @Option(names = "--progress-interval", defaultValue = "5", description = "Seconds between progress lines, 0 = none (default ${DEFAULT-VALUE}).")
    int progressInterval;

    @Mixin
    KplOptions kpl;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private volatile boolean stopRequested;
    /** Event time where the live part starts (the simulator's start without --history). */
    private long liveFrom;
    /** Holds the shutdown hook (and so the JVM) until the final report is printed. */
    private final CountDownLatch done = new CountDownLatch(1);

    public ProducerCommand() {
        this(System.getenv(), System.out, System.err);
    }

    ProducerCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        ProducerCommand command = new ProducerCommand();
        int code = commandLine(command).execute(args);
        if (!command.stopRequested) { // System.exit inside a shutdown hook's run would hang
            System.exit(code);
        }
    }

    static CommandLine commandLine(Object command) {
        return new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() throws Exception {
        try {
            return run();
        } catch (ConfigException e) {
            err.println("produce: configuration error: " + e.getMessage());
            return EXIT_CONFIG;
        }
    }

    private int run() throws Exception {
        validateFlags();
        Path dir = runDir != null ? runDir
                : Path.of("runs", "produce-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(ZonedDateTime.now(ZoneOffset.UTC)));
        ProducerConfig config = kpl.toConfig(stream, dir.resolve("failures.jsonl"), env, disorderBound());
        KinesisClient sdk = ProducerAwsClients.kinesis(config.region());
        ReadingWriter w = null;
        try {
            StreamPreflight.checkStream(sdk, config, createStream, shards, env);
            if (writer == WriterKind.kpl) {
                StreamPreflight.checkKplEndpoints(config);
            }
            Files.createDirectories(dir);
            try (ReadingSource src = openSource(dir)) {
                w = writer == WriterKind.kpl ? KplReadingWriter.create(config) : new SdkPutRecordsWriter(config, sdk);
                err.println("produce: " + describe(config, dir));
                ProducerReport report = pump(src, w);
                int exit = finish(report);
                if (src instanceof CsvReplaySource replay && (replay.skippedRows() > 0 || report.produced() == 0)) {
                    // a row that is not timestamp,value never becomes a reading: say so, or it is lost unnoticed
                    err.println("produce: " + (replay.skippedRows() == 0 ? "no rows" : "skipped " + replay.skippedRows()
                            + " CSV rows that are not timestamp,value (the first: " + replay.firstSkipped() + ")")
                            + (report.produced() == 0 ? "; nothing was produced from " + csv : "; the others were sent")
                            + ": fix the rows (a comma-separated timestamp and number per line)");
                    if (report.produced() == 0 && exit == 0 && (count == null || count > 0)) {
                        return EXIT_CONFIG;
                    }
                }
                return exit;
            }
        } finally {
            try {
                if (w != null) {
                    w.close(); // no-op when pump closed it; releases the daemon on errors
                }
                sdk.close();
            } finally {
                done.countDown();
            }
        }
    }

    private void validateFlags() {
        if (stream == null || stream.isBlank()) {
            throw new ConfigException("stream", "--stream is required");
        }
        if (sensors < 0 || (source == SourceKind.simulator && sensors < 1)) {
            throw new ConfigException("sensors", "must be > 0, got " + sensors);
        }
        if (rate != null && !(rate > 0)) {
            throw new ConfigException("rate", "must be > 0, got " + rate);
        }
        if (speed < 0 || Double.isNaN(speed)) {
            throw new ConfigException("speed", "must be >= 0, got " + speed);
        }
        if (count != null && count < 0) {
            throw new ConfigException("count", "must be >= 0, got " + count);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new ConfigException("duration", "must be positive, got " + duration);
        }
        if (source == SourceKind.csv && csv == null) {
            throw new ConfigException("csv", "--source csv needs --csv FILE_OR_DIR");
        }
        if (source == SourceKind.csv && !Files.exists(csv)) {
            throw new ConfigException("csv", csv + " does not exist");
        }
        if (anomalyRate < 0 || anomalyRate > 1) {
            throw new ConfigException("anomaly-rate", "must be in [0, 1], got " + anomalyRate);
        }
        if (history != null && (history.isNegative() || history.isZero())) {
            throw new ConfigException("history", "must be positive, got " + history);
        }
        if (historySpeed < 0 || Double.isNaN(historySpeed)) {
            throw new ConfigException("history-speed", "must be >= 0, got " + historySpeed);
        }
        if (maxDisorder != null && maxDisorder.isNegative()) {
            throw new ConfigException("max-disorder", "must be >= 0 (0: one event time in flight at a time), got "
                    + maxDisorder);
        }
        if (maxDisorder != null && writer == WriterKind.sdk) {
            throw new ConfigException("max-disorder", "bounds the KPL writer only (the sdk writer sends one batch at a"
                    + " time and retries a batch's failed entries before the next); drop it or use --writer kpl");
        }
        if (history != null && source != SourceKind.simulator) {
            throw new ConfigException("history", "only the simulator writes history; drop --history for --source csv");
        }
        if (shards < 1) {
            throw new ConfigException("shards", "must be > 0, got " + shards);
        }
    }

    private ReadingSource openSource(Path dir) throws IOException {
        if (source == SourceKind.csv) {
            CsvReplaySource replay;
            try {
                replay = new CsvReplaySource(csv, "replay", sensors, shiftToNow ? System.currentTimeMillis() : null);
            } catch (IOException e) { // a header without the columns, no .csv file: the input is wrong, not the run
                throw new ConfigException("csv", e.getMessage(), e);
            }
            err.println("produce: replaying " + replay.sensors() + " CSV series from " + csv);
            return replay;
        }
        liveFrom = startMillis != null ? startMillis : System.currentTimeMillis();
        long start = simulatorStart(liveFrom, history);
        if (history != null) {
            err.println("produce: history " + history.toSeconds() + "s of event time (" + java.time.Instant.ofEpochMilli(start)
                    + " .. " + java.time.Instant.ofEpochMilli(start + history.toMillis()) + ") first, as fast as the"
                    + " bound allows; then live");
        }
        double perSecond = readingsPerSecond();
        Path labelsFile = dir.resolve("labels.csv");
        BufferedWriter labels = Files.newBufferedWriter(labelsFile, StandardCharsets.UTF_8);
        labels.write(AnomalyLabel.CSV_HEADER);
        labels.newLine();
        Simulator sim = new Simulator(Simulator.Settings.forRate(sensors, seed, start, perSecond, anomalyRate), label -> {
            try {
                labels.write(label.toCsv());
                labels.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return new ReadingSource() {
            @Override
            public Reading next() {
                return sim.next();
            }

            @Override
            public void close() throws IOException {
                labels.close();
            }
        };
    }

    /** The simulator's readings per second of event time (--rate, else one per sensor). */
    private double readingsPerSecond() {
        return rate != null ? rate : sensors;
    }

    /**
     * Readings written faster than real time (the history; --speed 0 or above 1) reach the shards out of order as far
     * as the KPL's pace allows unless bounded ({@link #maxDisorder()}); at real time the event time in flight is the
     * KPL's latency.
     */
    boolean fasterThanRealTime() {
        return history != null || speed == 0 || speed > 1;
    }

    /**
     * The KPL writer's order bound: {@code --max-disorder} when given; else its default for a run faster than real time
     * (with --history for the whole run, the live part too); else none, so a live source is not held back while the
     * KPL retries. None for the sdk writer, which has no such bound (an explicit flag is refused for it).
     */
    Duration disorderBound() {
        if (writer == WriterKind.sdk) {
            return null;
        }
        return maxDisorder != null || fasterThanRealTime() ? maxDisorder() : null;
    }

    /** {@code --max-disorder}, by default a quarter of the job's default watermark (the rest for jitter). */
    Duration maxDisorder() {
        return maxDisorder != null ? maxDisorder
                : JobOptions.producerDisorderWithin(Durations.parse(JobOptions.DEFAULT_WATERMARK));
    }

    /**
     * Event time of the simulator's first samples: {@code liveFrom - history} with history (the live part starts at
     * {@code liveFrom}, which is now unless --start moves it), else {@code liveFrom}.
     */
    static long simulatorStart(long liveFrom, Duration history) {
        return history == null ? liveFrom : liveFrom - history.toMillis();
    }

    /** Runs {@link ProducerRun} on source and writer; Ctrl-C stops it, and the JVM waits for its final report. */
    private ProducerReport pump(ReadingSource src, ReadingWriter w) throws Exception {
        ProducerRun producerRun = new ProducerRun(src, w, new ProducerRun.Limits(count, duration, speed,
                history == null ? null : liveFrom, historySpeed), err, progressInterval);
        Thread hook = new Thread(() -> {
            stopRequested = true;
            producerRun.requestStop();
            err.println("produce: stopping, flushing outstanding records ...");
            try {
                done.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "producer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return producerRun.run();
        } finally {
            if (!stopRequested) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // shutdown began meanwhile
                }
            }
        }
    }

    private int finish(ProducerReport report) {
        out.println(report.summaryLine());
        if (reportFile != null) {
            report.writeJson(reportFile);
        }
        if (!report.balanced()) {
            err.println("produce: report does not add up: produced " + report.produced() + " != acknowledged "
                    + report.acknowledged() + " + failed " + report.failed());
            return EXIT_RECORDS_FAILED;
        }
        return report.failed() > 0 ? EXIT_RECORDS_FAILED : 0;
    }

    private String describe(ProducerConfig c, Path dir) {
        String endpoint = writer == WriterKind.kpl
                ? c.kplKinesisEndpoint().map(KplEndpoint::toString).orElse("AWS Kinesis endpoint")
                : StreamPreflight.sdkEndpoint(env);
        return "writer=" + writer + " stream=" + c.streamName() + " region=" + c.region() + " endpoint=" + endpoint
                + " source=" + source + " max-outstanding=" + c.maxOutstandingRecords()
                + c.maxOutstandingEventTime().map(d -> " max-disorder=" + d.toMillis() + "ms").orElse("")
                + " run-dir=" + dir;
    }
}
