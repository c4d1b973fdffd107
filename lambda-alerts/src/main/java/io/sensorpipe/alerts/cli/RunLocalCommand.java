package io.sensorpipe.alerts.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sensorpipe.alerts.AlertAwsClients;
import io.sensorpipe.alerts.AlertConfig;
import io.sensorpipe.alerts.AlertHandler;
import io.sensorpipe.alerts.filter.AnomalyFilter;
import io.sensorpipe.alerts.runner.LocalEventSourceRunner;
import io.sensorpipe.alerts.runner.RunReport;
import io.sensorpipe.alerts.runner.RunnerSettings;
import io.sensorpipe.aws.DynamoTables;
import io.sensorpipe.contract.Tables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

@Command(name = "run-local", mixinStandardHelpOptions = true,
        description = "Run the alert Lambda in-process on the results table's DynamoDB stream, the way Lambda's "
                + "event source mapping would (same filter, batches, partial failures, retries, DLQ).")
final class RunLocalCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--table", description = "results table whose latest stream to read (or --stream-arn)")
    String table;

    @Option(names = "--stream-arn", description = "the stream to read")
    String streamArn;

    @Option(names = "--topic-arn", defaultValue = "${env:ALERT_TOPIC_ARN}", description = "env ALERT_TOPIC_ARN")
    String topicArn;

    @Option(names = "--state-table", defaultValue = "${env:ALERT_STATE_TABLE}", description = "env ALERT_STATE_TABLE")
    String stateTable;

    @Option(names = "--cooldown-seconds", defaultValue = "${env:ALERT_COOLDOWN_SECONDS:-900}",
            description = "env ALERT_COOLDOWN_SECONDS (default 900)")
    String cooldownSeconds;

    @Option(names = "--duration", defaultValue = "60s", converter = RunDuration.class,
            description = "how long to run: 90s, 5m, 1h; a bare number is seconds (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--until-idle", description = "stop as soon as the stream is caught up (--duration is the cap)")
    boolean untilIdle;

    @Option(names = "--batch-size", defaultValue = "100",
            description = "records per invocation, as the mapping's BatchSize (default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--max-retries", defaultValue = "3",
            description = "retries before a failing batch is dead-lettered, as MaximumRetryAttempts (default ${DEFAULT-VALUE})")
    int maxRetries;

    @Option(names = "--no-bisect", description = "do not split a batch on a function error")
    boolean noBisect;

    @Option(names = "--starting-position", defaultValue = "TRIM_HORIZON", description = "TRIM_HORIZON or LATEST")
    String startingPosition;

    @Option(names = "--dlq-url", defaultValue = "${env:ALERT_DLQ_URL}", description = "on-failure SQS queue (env ALERT_DLQ_URL)")
    String dlqUrl;

    @Option(names = "--retry-backoff-ms", defaultValue = "500",
            description = "wait before the first retry of a failed batch, doubled per retry (default ${DEFAULT-VALUE})")
    long retryBackoffMs;

    @Option(names = "--max-retry-backoff-ms", defaultValue = "10000",
            description = "upper bound of one retry wait (default ${DEFAULT-VALUE})")
    long maxRetryBackoffMs;

    @Option(names = "--report-file", description = "write the run's counts as JSON here (also on SIGTERM)")
    Path reportFile;

    @Option(names = "--create-missing", description = "create the alert-state table and the topic when absent (local use)")
    boolean createMissing;

    @Override
    public Integer call() throws Exception {
        if ((table == null) == (streamArn == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of --table or --stream-arn");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration must be > 0, got " + duration);
        }
        // the Lambda's own configuration rules, checked before any AWS call; the flags are named, as they were given
        AlertConfig config = config();
        try (DynamoDbClient dynamo = AlertAwsClients.dynamoDb();
             DynamoDbStreamsClient streams = AlertAwsClients.dynamoDbStreams();
             SnsClient sns = AlertAwsClients.sns();
             SqsClient sqs = AlertAwsClients.sqs()) {
            if (createMissing) {
                createMissing(dynamo, sns);
                config = config(); // the topic created has the ARN of this account and region, not the one typed
            }
            RunnerSettings settings;
            try {
                String arn = streamArn != null ? streamArn : latestStreamArn(dynamo, table);
                settings = new RunnerSettings(arn, batchSize, maxRetries, !noBisect, startingPosition,
                        dlqUrl == null || dlqUrl.isBlank() ? null : dlqUrl, Duration.ofMillis(500),
                        Duration.ofMillis(retryBackoffMs), Duration.ofMillis(maxRetryBackoffMs));
            } catch (IllegalArgumentException invalid) {
                throw new CommandLine.ParameterException(spec.commandLine(), invalid.getMessage());
            }
            AlertHandler handler = new AlertHandler(config, dynamo, sns, Clock.systemUTC());
            LocalEventSourceRunner runner = new LocalEventSourceRunner(streams, sqs, handler, AnomalyFilter.pattern(), settings);
            // A SIGTERM (the local pipeline stops the runner that way) still leaves the report file and summary.
            AtomicBoolean reported = new AtomicBoolean();
            Thread reportOnShutdown = new Thread(() -> finish(runner.report(), reported), "run-local-report-on-shutdown");
            Runtime.getRuntime().addShutdownHook(reportOnShutdown);
            RunReport report = untilIdle
                    ? runner.drain(duration)
                    : runner.runFor(duration);
            try {
                Runtime.getRuntime().removeShutdownHook(reportOnShutdown);
            } catch (IllegalStateException shuttingDown) {
                return 0; // the hook writes the report
            }
            finish(report, reported);
            return 0;
        }
    }

    /** Writes the report file (if asked) and prints the summary line, once per run. */
    private void finish(RunReport report, AtomicBoolean reported) {
        if (!reported.compareAndSet(false, true)) {
            return;
        }
        if (reportFile != null) {
            try {
                writeReport(report);
            } catch (IOException e) {
                System.err.println("run-local: cannot write report file " + reportFile + ": " + e);
            }
        }
        System.out.println(report.summaryLine());
        System.out.flush();
    }

    private static String latestStreamArn(DynamoDbClient dynamo, String table) {
        String arn;
        try {
            arn = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        } catch (ResourceNotFoundException missing) {
            throw new IllegalArgumentException("--table: no table named '" + table + "'");
        }
        if (arn == null) {
            throw new IllegalArgumentException("--table: table '" + table + "' has no stream (enable NEW_IMAGE)");
        }
        return arn;
    }

    private void createMissing(DynamoDbClient dynamo, SnsClient sns) {
        if (stateTable != null && !stateTable.isBlank()) {
            if (DynamoTables.createIfMissing(dynamo, Tables.ALERT_STATE, stateTable).created()) {
                System.err.println("created alert-state table " + stateTable);
            }
        }
        if (topicArn != null && topicArn.startsWith("arn:")) {
            String name = topicArn.substring(topicArn.lastIndexOf(':') + 1);
            topicArn = sns.createTopic(b -> b.name(name)).topicArn(); // idempotent
        }
    }

    private void writeReport(RunReport report) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if (reportFile.getParent() != null) {
            Files.createDirectories(reportFile.getParent());
        }
        // Write then rename, so a reader never sees half a report.
        Path partial = reportFile.resolveSibling(reportFile.getFileName() + ".tmp");
        mapper.writeValue(partial.toFile(), report);
        Files.move(partial, reportFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The Lambda's configuration from the flags (and its variables), its errors naming the flags. */
    private AlertConfig config() {
        Map<String, String> env = new HashMap<>(System.getenv());
        putIfSet(env, AlertConfig.TOPIC_ARN, topicArn);
        putIfSet(env, AlertConfig.STATE_TABLE, stateTable);
        putIfSet(env, AlertConfig.COOLDOWN_SECONDS, cooldownSeconds);
        try {
            return AlertConfig.fromEnv(env);
        } catch (IllegalArgumentException invalid) {
            throw new CommandLine.ParameterException(spec.commandLine(), namingFlags(invalid.getMessage()));
        }
    }

    /** A configuration message names the Lambda's variables; here they are also this command's flags. */
    static String namingFlags(String message) {
        return message.replace(AlertConfig.TOPIC_ARN, "--topic-arn (" + AlertConfig.TOPIC_ARN + ")")
                .replace(AlertConfig.STATE_TABLE, "--state-table (" + AlertConfig.STATE_TABLE + ")")
                .replace(AlertConfig.COOLDOWN_SECONDS, "--cooldown-seconds (" + AlertConfig.COOLDOWN_SECONDS + ")");
    }

    private static void putIfSet(Map<String, String> env, String name, String value) {
        if (value != null && !value.isBlank()) {
            env.put(name, value);
        }
    }
}
