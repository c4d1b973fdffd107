package io.sensorpipe.cli.pipeline;

import io.sensorpipe.cli.SensorpipeCli;
import io.sensorpipe.cli.query.TimeRange;
import io.sensorpipe.cli.resources.ResourceNames;
import io.sensorpipe.cli.resources.ResourceOptions;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code sensorpipe pipeline} (run by {@code scripts/pipeline}): the whole pipeline on this machine. */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the whole pipeline locally, each component its own JVM: simulator -> KPL -> Kinesis ->"
                + " Spark (local) -> DynamoDB -> alert runner -> SNS, and the archive bridge -> S3.",
                "Ends with one summary line; exits non-zero unless produced = windowed + late + dead_lettered,"
                        + " archived = produced and alerted = anomalies - suppressed.",
                "Each run reads its own stream sensorpipe-readings-run-<UTC time> (deleted at the end) unless"
                        + " --stream is given."})
public final class PipelineCommand implements Callable<Integer> {
    @ParentCommand
    SensorpipeCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", defaultValue = "2m", description = "how long the producer runs (default ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--sensors", defaultValue = "20", description = "simulated sensors (default ${DEFAULT-VALUE})")
    int sensors;

    @Option(names = "--rate", description = "readings per second over all sensors (default: one per sensor per second)")
    Double rate;

    @Option(names = "--window", defaultValue = "5s", description = "window size of the streaming job (default ${DEFAULT-VALUE})")
    String window;

    @Option(names = "--watermark", defaultValue = "30s",
            description = "allowed lateness of the streaming job; generous, since a busy machine delays shards unevenly"
                    + " (default ${DEFAULT-VALUE})")
    String watermark;

    @Option(names = "--drain-timeout", defaultValue = "90s",
            description = "longest wait after the producer stopped for the others to catch up (default ${DEFAULT-VALUE})")
    String drainTimeout;

    @Option(names = "--progress-every", defaultValue = "5s", description = "progress line interval (default ${DEFAULT-VALUE})")
    String progressEvery;

    @Option(names = "--seed", defaultValue = "42",
            description = "simulator seed: readings and labelled anomalies (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--history", paramLabel = "DURATION",
            description = "event time the producer writes before the live part, so the models learn first; 0s for"
                    + " none (default: the warm-up of the job's default detector plus 10 %%, in windows of --window)")
    String history;

    @Option(names = "--run-dir", description = "logs, reports and checkpoints (default: runs/pipeline-<UTC time>)")
    Path runDir;

    @Option(names = "--root", defaultValue = "${env:SENSORPIPE_ROOT:-.}", description = "repository root (default ${DEFAULT-VALUE})")
    Path repoRoot;

    @Option(names = "--spark-java-opts", defaultValue = "${env:SENSORPIPE_SPARK_JAVA_OPTS:-}",
            description = "JVM flags Spark needs on Java 17 (scripts/pipeline passes them)")
    String sparkJavaOpts;

    @Option(names = "--dashboard", arity = "0..1", fallbackValue = "8765", paramLabel = "PORT",
            description = "also serve the live dashboard on http://127.0.0.1:PORT/ while the run lasts (default port 8765)")
    Integer dashboardPort;

    @Option(names = "--keep-stream", description = "keep the run's Kinesis stream (deleted at the end by default)")
    boolean keepStream;

    @Mixin
    ResourceOptions resourceOptions;

    @Override
    public Integer call() throws Exception {
        String runId = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(ZonedDateTime.now(ZoneOffset.UTC));
        ResourceNames names = resourceOptions.names();
        // A run reads its own stream from the start, so no earlier run's readings are counted in this one.
        if (!spec.commandLine().getParseResult().hasMatchedOption("--stream")) {
            names = names.withStream(ResourceNames.DEFAULT_STREAM + "-run-" + runId);
        }
        Path rootDir = repoRoot.toAbsolutePath().normalize();
        LocalPipelineConfig config = new LocalPipelineConfig(runId, names, TimeRange.parseDuration("--duration", duration),
                sensors, rate, TimeRange.parseDuration("--window", window),
                TimeRange.parseDuration("--watermark", watermark),
                TimeRange.parseDuration("--drain-timeout", drainTimeout),
                TimeRange.parseDuration("--progress-every", progressEvery), rootDir,
                (runDir != null ? runDir : rootDir.resolve("runs").resolve("pipeline-" + runId)).toAbsolutePath(),
                sparkJavaOpts, keepStream, seed, history == null
                        ? LocalPipelineConfig.warmStartHistory(TimeRange.parseDuration("--window", window))
                        : TimeRange.parseDuration("--history", history));
        PipelineRun run = new PipelineRun(config, root.aws(), System.out);
        io.sensorpipe.cli.dashboard.DashboardServer dashboard = null;
        if (dashboardPort != null) {
            var dashboardConfig = new io.sensorpipe.cli.dashboard.DashboardConfig(dashboardPort, names.resultsTable(),
                    names.alertQueue(), 120, 1000, 15000);
            // the tail queue must exist before the dashboard reads it
            new io.sensorpipe.cli.resources.LocalResources(root.aws()).createAll(names);
            dashboard = new io.sensorpipe.cli.dashboard.DashboardServer(new io.sensorpipe.cli.dashboard.DashboardSnapshots(
                    root.aws().dynamo(), new io.sensorpipe.cli.query.AlertReader(root.aws().sqs()), dashboardConfig),
                    dashboardConfig);
            System.out.println("pipeline: live dashboard on " + dashboard.url());
        }
        // Ctrl-C / SIGTERM start the ordered stop instead of killing the JVM (the components run in their own
        // sessions, so the terminal's signal does not reach them directly).
        Signal.handle(new Signal("INT"), s -> run.requestStop());
        Signal.handle(new Signal("TERM"), s -> run.requestStop());
        try {
            return run.run();
        } finally {
            if (dashboard != null) {
                dashboard.close();
            }
        }
    }
}
