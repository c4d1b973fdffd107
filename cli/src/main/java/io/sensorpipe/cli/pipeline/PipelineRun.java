package io.sensorpipe.cli.pipeline;

import io.sensorpipe.backtest.DetectionCounts;
import io.sensorpipe.cli.aws.CliAwsClients;
import io.sensorpipe.cli.resources.LocalResources;
import io.sensorpipe.cli.resources.ResourceNames;
import io.sensorpipe.contract.ArchiveLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the whole pipeline on this machine, each component its own JVM: the streaming job (Spark local), the
 * archive bridge and the alert runner first, then the producer. After {@code --duration} or Ctrl-C the producer
 * stops first; the others get until {@code --drain-timeout} to catch up (every produced reading windowed, late
 * or dead-lettered, and archived), then stop and write their reports. The run ends with one summary line that
 * must reconcile ({@link PipelineCounts}).
 */
public final class PipelineRun {
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);
    /** The producer flushes what the KPL still holds; its own Ctrl-C hook waits up to 120 s for that. */
    private static final Duration PRODUCER_STOP_GRACE = Duration.ofSeconds(130);

    private final LocalPipelineConfig config;
    private final CliAwsClients aws;
    private final PrintStream out;
    private final SinkCounts sinks;
    private final ModuleLauncher launcher;
    private final Map<String, ComponentProcess> components = new LinkedHashMap<>();
    private final List<String> launchFailures = new ArrayList<>();
    /** 0 = run, 1 = stop in order (first Ctrl-C), 2 = kill now (second Ctrl-C). */
    private final AtomicInteger stopLevel = new AtomicInteger();
    private final long startMillis = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();
    private LocalResources.Created resources;
    private String runQueueUrl;
    private String runSubscriptionArn;

    public PipelineRun(LocalPipelineConfig config, CliAwsClients aws, PrintStream out) {
        this.config = config;
        this.aws = aws;
        this.out = out;
        this.sinks = new SinkCounts(aws.dynamo(), aws.s3(), aws.sqs());
        this.launcher = new ModuleLauncher(config.root());
    }

    /** Called from the signal handler: the first request stops in order, the second kills. */
    public void requestStop() {
        int level = stopLevel.incrementAndGet();
        if (level == 1) {
            out.println("pipeline: stopping (producer first, then draining; Ctrl-C again to kill everything)");
        } else if (level == 2) {
            out.println("pipeline: killing all components");
            components.values().forEach(ComponentProcess::kill);
        }
    }

    /** Runs to the end; returns the process exit code (0 only when the counts reconcile). */
    public int run() throws IOException, InterruptedException {
        Files.createDirectories(config.runDir());
        ResourceNames names = config.names();
        out.printf(Locale.ROOT, "pipeline: run %s: %d sensors, %s readings/s, %ds live after %ds of history, seed %d;"
                        + " stream %s, table %s; logs in %s%n",
                config.runId(), config.sensors(), config.rate() == null ? Integer.toString(config.sensors())
                        : trim(config.rate()), config.duration().toSeconds(), config.history().toSeconds(),
                config.seed(), names.stream(), names.resultsTable(),
                config.root().relativize(config.runDir().toAbsolutePath()));
        try {
            createResources(names);
            launchConsumers(names);
            awaitStreamingReady();
            launchProducer(names);
            watchUntilProduced();
            drain();
            stopConsumers();
            PipelineCounts counts = finalCounts();
            DetectionCounts detection = detectionCounts();
            detection.missedLines(liveFrom + config.duration().toMillis()).forEach(l -> out.println("pipeline: " + l));
            detection.falseAlarmLines().forEach(l -> out.println("pipeline: " + l));
            out.println(counts.summaryLine(detection));
            for (String failure : launchFailures) {
                out.println("pipeline: NOT RUN: " + failure);
            }
            out.flush();
            return counts.reconciles() && launchFailures.isEmpty() ? 0 : 1;
        } finally {
            killLeftovers();
            cleanUp();
        }
    }

    // ------------------------------------------------------------------ start

    private void createResources(ResourceNames names) {
        resources = new LocalResources(aws).createAll(names);
        long created = resources.actions().stream().filter(a -> a.startsWith("created")).count();
        out.println("pipeline: resources ready (" + created + " created, the rest existed)");
        // The run's own queue on the alert topic: it counts exactly this run's alerts, whoever reads the tail queue.
        List<String> ignored = new ArrayList<>();
        LocalResources lr = new LocalResources(aws);
        runQueueUrl = lr.ensureQueue(config.runQueueName(), ignored);
        runSubscriptionArn = lr.ensureQueueSubscribed(resources.topicArn(), runQueueUrl, lr.queueArn(runQueueUrl), ignored);
    }

    private Path report(String component) {
        return config.runDir().resolve(component + "-report.json").toAbsolutePath();
    }

    private void launchConsumers(ResourceNames names) {
        launch("streaming", "emr-streaming", ComponentCommands.STREAMING_MAIN,
                ComponentCommands.streamingJvm(config), ComponentCommands.streamingArgs(config, names,
                        report("streaming")));
        launch("archive", "firehose-archive", ComponentCommands.ARCHIVE_MAIN, ComponentCommands.smallJvm(),
                ComponentCommands.archiveArgs(config, names, report("archive")));
        launch("alerts", "lambda-alerts", ComponentCommands.ALERTS_MAIN, ComponentCommands.smallJvm(),
                ComponentCommands.alertsArgs(config, names, resources.topicArn(), report("alerts")));
    }

    /** Longest wait for the streaming job's first micro-batch before the producer starts anyway. */
    private static final Duration STREAMING_READY_TIMEOUT = Duration.ofMinutes(4);

    /**
     * With history, waits until the streaming job has run its first micro-batch (its metrics file exists): Spark
     * takes a minute or more to start on a busy machine, and the history written meanwhile would wait in the
     * shard as one backlog, whose first GetRecords answers are large and slow (the local Kinesis timed out on
     * ~2.5 MB per shard). Started after the job, the producer's history is read as it comes, batch by batch.
     */
    private void awaitStreamingReady() throws InterruptedException {
        if (config.history().isZero() || !components.containsKey("streaming")) {
            return;
        }
        long deadline = System.nanoTime() + STREAMING_READY_TIMEOUT.toNanos();
        while (stopLevel.get() == 0 && alive("streaming") && System.nanoTime() < deadline
                && !Files.exists(report("streaming"))) {
            Thread.sleep(500);
        }
        long secs = (System.nanoTime() - startNanos) / 1_000_000_000L;
        out.println("pipeline: streaming job " + (Files.exists(report("streaming")) ? "ready" : "not ready yet")
                + " after " + secs + "s; starting the producer (history first)");
    }

    /** Event time where the producer's live part starts: history before it, detections counted from it. */
    private long liveFrom;

    private long producerStartNanos = System.nanoTime();

    private void launchProducer(ResourceNames names) {
        liveFrom = config.liveFrom(System.currentTimeMillis());
        producerStartNanos = System.nanoTime();
        launch("producer", "kpl-producer", ComponentCommands.PRODUCER_MAIN, ComponentCommands.smallJvm(),
                ComponentCommands.producerArgs(config, names, report("producer"), liveFrom));
    }

    /**
     * The live part's labelled / detected / false alarms, from the run's anomalous windows in DynamoDB and the
     * producer's labels file; unknown (?) when either cannot be read.
     */
    private DetectionCounts detectionCounts() {
        Path labels = config.runDir().resolve("producer").resolve("labels.csv");
        try {
            return DetectionCounts.match(DetectionCounts.readLabels(labels),
                    sinks.flags(config.names().resultsTable(), startMillis), liveFrom,
                    liveFrom + config.duration().toMillis());
        } catch (RuntimeException e) {
            out.println("pipeline: cannot count detections: " + e.getMessage());
            return DetectionCounts.UNKNOWN;
        }
    }

    private void launch(String component, String module, String mainClass, List<String> jvm, List<String> args) {
        try {
            List<String> command = launcher.command(component, module, mainClass, jvm, args);
            Path log = config.runDir().resolve(component + ".log");
            Files.writeString(log, String.join(" ", command) + System.lineSeparator());
            components.put(component, ComponentProcess.start(component, command, Map.of(), log,
                    config.runDir()));
            out.println("pipeline: started " + component + " (log " + config.runDir().getFileName() + "/"
                    + component + ".log)");
        } catch (ModuleLauncher.NotReadyException | IOException e) {
            launchFailures.add(e.getMessage());
            out.println("pipeline: FAILED to start " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ run + drain

    /** The producer runs for --duration from its own start (the KPL takes a few seconds to come up). */
    private static final Duration PRODUCER_START_ALLOWANCE = Duration.ofSeconds(90);

    /**
     * A cap only, for writing the history before the live part: its readings at a pessimistic
     * {@value #HISTORY_CAP_READINGS_PER_SECOND}/s (the producer ends by itself after the live part).
     */
    private Duration historyAllowance() {
        double perSecond = config.rate() != null ? config.rate() : config.sensors();
        return Duration.ofSeconds((long) (perSecond * config.history().toSeconds() / HISTORY_CAP_READINGS_PER_SECOND));
    }

    private static final int HISTORY_CAP_READINGS_PER_SECOND = 150;

    private void watchUntilProduced() throws InterruptedException {
        ComponentProcess producer = components.get("producer");
        long cap = producerStartNanos + config.duration().plus(PRODUCER_START_ALLOWANCE).plus(historyAllowance()).toNanos();
        long nextProgress = System.nanoTime() + config.progressEvery().toNanos();
        while (stopLevel.get() == 0 && producer != null && producer.isAlive() && System.nanoTime() < cap) {
            Thread.sleep(250);
            if (System.nanoTime() >= nextProgress) {
                printProgress("run");
                nextProgress += config.progressEvery().toNanos();
            }
            reportUnexpectedExits();
        }
        if (producer != null) {
            boolean clean = producer.stop(PRODUCER_STOP_GRACE);
            out.println("pipeline: producer stopped" + (clean ? "" : " (killed after " + PRODUCER_STOP_GRACE.toSeconds() + "s)")
                    + ", " + exit(producer.exitCode()));
        }
    }

    /** Sensor id of the end-of-input marker (see {@link #flushWatermark()}); never counted as a reading. */
    static final String WATERMARK_FLUSH_SENSOR = "sensorpipe/pipeline/watermark-flush";

    private boolean markerWritten;

    /**
     * Spark closes an event-time window only when the watermark (newest event time minus the allowed lateness)
     * passes its end, and an unbounded stream has no end-of-input: after the producer stops, the last windows
     * would stay open forever. One marker reading, a little ahead of the producer's clock, moves the watermark
     * past them. It is not one of the produced readings and is excluded from the archive count; its own window
     * never closes, so it is never windowed.
     */
    private void flushWatermark() {
        if (!components.containsKey("streaming")) {
            return;
        }
        // within the job's --max-future-skew (ComponentCommands.maxFutureSkew), else it would be dead-lettered
        // From the live part's end: with history the producer ends its live part in event time at liveFrom +
        // duration, so its newest reading is before it (or before now, if it stopped early). Without history it runs
        // by its own clock from whenever it was up, so only now bounds it; such a run's sensors are still in their
        // warm-up (388 windows of 5 s) unless it lasts longer than that, and then the marker may call them silent.
        long now = System.currentTimeMillis();
        long liveEnd = config.history().isZero() ? now : Math.min(now, liveFrom + config.duration().toMillis());
        long ts = liveEnd + ComponentCommands.watermarkFlushLead(config).toMillis();
        String marker = "{\"v\":1,\"sensorId\":\"" + WATERMARK_FLUSH_SENSOR + "\",\"type\":\"watermark-flush\","
                + "\"site\":\"sensorpipe\",\"ts\":" + ts + ",\"value\":0,\"unit\":\"\"}";
        try {
            aws.kinesis().putRecord(r -> r.streamName(config.names().stream()).partitionKey(WATERMARK_FLUSH_SENSOR)
                    .data(software.amazon.awssdk.core.SdkBytes.fromUtf8String(marker)));
            markerWritten = true;
        } catch (RuntimeException e) {
            out.println("pipeline: could not write the watermark flush marker: " + e.getMessage());
        }
    }

    /** Waits until every produced reading is accounted for downstream, at most --drain-timeout. */
    private void drain() throws InterruptedException {
        long produced = ReportFiles.count(report("producer"), "produced");
        if (produced < 0) {
            out.println("pipeline: no producer report; not waiting for the others to drain");
            return;
        }
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        long nextProgress = System.nanoTime();
        out.println("pipeline: draining " + produced + " readings (at most " + config.drainTimeout().toSeconds() + "s)");
        while (stopLevel.get() < 2 && System.nanoTime() < deadline) {
            Snapshot s = snapshot();
            // The marker must come after every reading the job has still to read: written earlier (another
            // shard), it would close windows whose readings are still on their way and make them late.
            long read = streamingRead();
            if (read != lastRead) {
                lastRead = read;
                lastReadChange = System.nanoTime();
            }
            // ... or once the job has read nothing new for a while (it cannot catch up further without it).
            boolean readStalled = System.nanoTime() - lastReadChange > READ_STALL.toNanos();
            if (!markerWritten && (read >= produced || readStalled || !alive("streaming"))) {
                flushWatermark();
            }
            if (System.nanoTime() >= nextProgress) {
                printProgress("drain", s);
                nextProgress = System.nanoTime() + config.progressEvery().toNanos();
            }
            boolean streamingDone = markerWritten && s.windowed() >= 0 && s.late() >= 0 && s.deadLettered() >= 0
                    && s.windowed() + s.late() + s.deadLettered() >= produced;
            boolean archiveDone = s.archived() >= produced;
            // The alert runner has caught up when it handled (sent or suppressed) every anomalous window.
            boolean alertsDone = s.anomalies() >= 0 && s.alertsHandled() >= s.anomalies();
            if ((streamingDone || !alive("streaming")) && (archiveDone || !alive("archive"))
                    && (alertsDone || !alive("alerts"))) {
                printProgress("drain", s);
                return;
            }
            Thread.sleep(1000);
        }
        out.println("pipeline: drain timed out after " + config.drainTimeout().toSeconds() + "s");
    }

    private void stopConsumers() throws InterruptedException {
        for (String name : List.of("streaming", "archive", "alerts")) {
            ComponentProcess c = components.get(name);
            if (c != null) {
                boolean clean = c.stop(STOP_GRACE);
                out.println("pipeline: " + name + " stopped" + (clean ? "" : " (killed)") + ", " + exit(c.exitCode()));
            }
        }
    }

    private boolean alive(String component) {
        ComponentProcess c = components.get(component);
        return c != null && c.isAlive();
    }

    private void reportUnexpectedExits() {
        for (ComponentProcess c : components.values()) {
            Integer code = c.exitCode();
            if (code != null && !c.name().equals("producer") && !reported.contains(c.name())) {
                reported.add(c.name());
                out.println("pipeline: " + c.name() + " exited early with code " + code + "; last log lines:");
                c.tail(15).forEach(l -> out.println("  | " + l));
            }
        }
    }

    private final java.util.Set<String> reported = new java.util.HashSet<>();

    // ------------------------------------------------------------------ counts

    /** Live counts; any that cannot be read yet is -1. */
    record Snapshot(long produced, long windowed, long windows, long late, long deadLettered, long duplicates,
                    long archived, long archiveDuplicates, long anomalies, long alerted, long suppressed,
                    long alertsHandled, long lagSeconds) {
    }

    private Snapshot snapshot() {
        long produced = producedSoFar();
        long windowed = -1;
        long windows = -1;
        long anomalies = -1;
        long lag = -1;
        try {
            // the end-of-input marker is not a produced reading: its window, if it closes, is not counted
            SinkCounts.Windows w = sinks.windows(config.names().resultsTable(), startMillis, WATERMARK_FLUSH_SENSOR);
            windowed = w.readings();
            windows = w.windows();
            anomalies = w.anomalies();
            lag = w.newestWindowEnd() == 0 ? -1 : Math.max(0, (System.currentTimeMillis() - w.newestWindowEnd()) / 1000);
        } catch (RuntimeException e) {
            // table not readable yet; shown as ?
        }
        long archived = -1;
        long archiveDuplicates = -1;
        try {
            SinkCounts.Archive a = sinks.archived(config.names().archiveBucket(),
                    ArchiveLayout.objectNamePrefix(config.deliveryStreamName()),
                    WATERMARK_FLUSH_SENSOR);
            archived = a.distinct(); // the archive keeps the stream's duplicates: each reading counts once
            archiveDuplicates = a.duplicates();
        } catch (RuntimeException e) {
            // shown as ?
        }
        long alerted = -1;
        try {
            alerted = sinks.queueMessages(runQueueUrl);
        } catch (RuntimeException e) {
            // shown as ?
        }
        Path metrics = report("streaming");
        ComponentProcess alerts = components.get("alerts");
        AlertLogCounts alertLog = alerts == null ? AlertLogCounts.NONE : AlertLogCounts.fromLog(alerts.log());
        // The runner's report (written when it ends by itself) wins over its log events.
        long suppressed = ReportFiles.count(report("alerts"), "suppressedCooldown");
        if (suppressed < 0 && alerts != null) {
            suppressed = alertLog.suppressedCooldown();
        }
        return new Snapshot(produced, windowed, windows, ReportFiles.count(metrics, "late"),
                ReportFiles.count(metrics, "deadLettered"), ReportFiles.count(metrics, "duplicates"), archived,
                archiveDuplicates, anomalies, alerted, suppressed, alertLog.handled(), lag);
    }

    /** Readings the streaming job has read from the stream so far (its metrics file), -1 if unknown. */
    private long streamingRead() {
        return ReportFiles.count(report("streaming"), "recordsRead");
    }

    private long producedLive;
    private long lastRead = Long.MIN_VALUE;
    private long lastReadChange = System.nanoTime();
    private static final Duration READ_STALL = Duration.ofSeconds(20);

    /** From the producer's report when it ended, else from its latest progress line (never going back). */
    private long producedSoFar() {
        long fromReport = ReportFiles.count(report("producer"), "produced");
        if (fromReport >= 0) {
            return fromReport;
        }
        ComponentProcess p = components.get("producer");
        if (p == null) {
            return -1;
        }
        List<String> lines = p.tail(400);
        for (int i = lines.size() - 1; i >= 0; i--) {
            java.util.regex.Matcher m = PRODUCED.matcher(lines.get(i));
            if (m.find()) {
                producedLive = Math.max(producedLive, Long.parseLong(m.group(1)));
                break;
            }
        }
        return producedLive;
    }

    private static final java.util.regex.Pattern PRODUCED = java.util.regex.Pattern.compile("produced=(\\d+)");

    private void printProgress(String phase) {
        printProgress(phase, snapshot());
    }

    private void printProgress(String phase, Snapshot s) {
        long secs = (System.nanoTime() - startNanos) / 1_000_000_000L;
        out.printf(Locale.ROOT, "[%d:%02d %-5s] produced=%s windowed=%s (%s windows) late=%s dead_lettered=%s"
                        + " duplicates=%s archived=%s anomalies=%s alerted=%s suppressed=%s results_lag=%s%n",
                secs / 60, secs % 60, phase, n(s.produced()), n(s.windowed()), n(s.windows()), n(s.late()),
                n(s.deadLettered()), n(s.duplicates()), n(s.archived()), n(s.anomalies()), n(s.alerted()),
                n(s.suppressed()),
                s.lagSeconds() < 0 ? "?" : s.lagSeconds() + "s");
        out.flush();
    }

    private PipelineCounts finalCounts() {
        Snapshot s = snapshot();
        long suppressed = s.suppressed();
        long sent = ReportFiles.count(report("alerts"), "alertsSent");
        if (sent >= 0 && s.alerted() >= 0 && sent != s.alerted()) {
            out.println("pipeline: note: the alert runner reports " + sent + " alerts sent, the run's queue holds "
                    + s.alerted());
        }
        long archivedReport = ReportFiles.count(report("archive"), "recordsArchived");
        long rejectedReport = ReportFiles.count(report("archive"), "recordsRejected");
        long bridgeReadings = archivedReport + rejectedReport - (markerWritten ? 1 : 0);
        long archiveLines = s.archived() < 0 || s.archiveDuplicates() < 0 ? -1 : s.archived() + s.archiveDuplicates();
        if (archivedReport >= 0 && rejectedReport >= 0 && bridgeReadings != archiveLines) {
            out.println("pipeline: note: the archive bridge reports " + bridgeReadings
                    + " readings archived, S3 holds " + archiveLines + " lines");
        }
        // late, dead-lettered and duplicates as the dead-letter sink holds them (the job's metrics file is its claim)
        SinkCounts.DeadLetters letters;
        try {
            letters = sinks.deadLetters(config.names().checkpointBucket(), config.deadLetterPrefix(),
                    WATERMARK_FLUSH_SENSOR);
        } catch (RuntimeException e) {
            out.println("pipeline: cannot count the dead letters in S3: " + e.getMessage());
            letters = new SinkCounts.DeadLetters(PipelineCounts.UNKNOWN, PipelineCounts.UNKNOWN, PipelineCounts.UNKNOWN);
        }
        if (letters.late() >= 0 && (letters.late() != s.late() || letters.invalid() != s.deadLettered()
                || letters.duplicates() != s.duplicates())) {
            out.println("pipeline: note: the streaming job reports late=" + n(s.late()) + " dead_lettered="
                    + n(s.deadLettered()) + " duplicates=" + n(s.duplicates()) + ", its dead letters in S3 hold "
                    + letters.late() + " / " + letters.invalid() + " / " + letters.duplicates());
        }
        return new PipelineCounts(s.produced(), s.windowed(), letters.late(), letters.invalid(), letters.duplicates(),
                s.archived(), s.archiveDuplicates(), s.anomalies(), s.alerted(), suppressed);
    }

    // ------------------------------------------------------------------ end

    private void killLeftovers() {
        for (ComponentProcess c : components.values()) {
            if (c.isAlive()) {
                out.println("pipeline: killing leftover " + c.name());
                c.kill();
            }
        }
    }

    private void cleanUp() {
        quietly(() -> aws.sns().unsubscribe(r -> r.subscriptionArn(runSubscriptionArn)));
        quietly(() -> aws.sqs().deleteQueue(r -> r.queueUrl(runQueueUrl)));
        if (!config.keepStream() && config.names().stream().contains(config.runId())) {
            quietly(() -> aws.kinesis().deleteStream(r -> r.streamName(config.names().stream())
                    .enforceConsumerDeletion(true)));
        }
        // The archive bridge's KCL tables (lease, coordinator state, worker metrics) belong to this run only.
        quietly(() -> aws.dynamo().listTablesPaginator(r -> { }).tableNames().stream()
                .filter(t -> t.startsWith(config.archiveApplicationName()))
                .forEach(t -> aws.dynamo().deleteTable(r -> r.tableName(t))));
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ignored) {
            // best effort: cleanup must not hide the summary
        }
    }

    /** 143 = ended by the SIGTERM the pipeline sent: the normal way to stop a streaming component. */
    private static String exit(Integer code) {
        return code == null ? "still running" : code == 143 ? "exit 143 (on SIGTERM)" : "exit " + code;
    }

    private static String n(long v) {
        return v < 0 ? "?" : Long.toString(v);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
