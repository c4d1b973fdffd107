package io.sensorpipe.cli.query;

import io.sensorpipe.aws.DynamoTables;
import io.sensorpipe.cli.SensorpipeCli;
import io.sensorpipe.cli.aws.CliAwsClients;
import io.sensorpipe.schema.WindowResult;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sensorpipe query ...}: read windows, anomalies, latest state and alerts. */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Read results: windows of a sensor, anomalies, latest state per sensor, alerts.",
        subcommands = {QueryCommand.Windows.class, QueryCommand.Anomalies.class, QueryCommand.Latest.class,
                QueryCommand.Alerts.class})
public final class QueryCommand {
    @ParentCommand
    SensorpipeCli root;

    CliAwsClients aws() {
        return root.aws();
    }

    /** Queries on {@code table}, checked first so a missing table is one line naming it. */
    WindowQueries windowQueries(String table) {
        DynamoTables.requireExists(aws().dynamo(), table);
        return new WindowQueries(aws().dynamo(), table);
    }

    /** Options every window query shares. */
    static class TableOptions {
        @Option(names = "--table", defaultValue = "${env:SENSORPIPE_RESULTS_TABLE:-sensorpipe-results}",
                description = "results table (env SENSORPIPE_RESULTS_TABLE, default ${DEFAULT-VALUE})")
        String table;

        @Option(names = {"-f", "--format"}, defaultValue = "table",
                description = "table, csv or json (default ${DEFAULT-VALUE})")
        String format;

        WindowFormat windowFormat() {
            try {
                return WindowFormat.valueOf(format.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--format '" + format + "' is not table, csv or json");
            }
        }
    }

    static class RangeOptions {
        @Option(names = "--from", defaultValue = "-1h", description = "range start (inclusive): now, -15m, -2h, -1d,"
                + " 2026-11-25T13:00:00Z, 2026-11-25 or epoch s/ms (default ${DEFAULT-VALUE})")
        String from;

        @Option(names = "--to", defaultValue = "now", description = "range end (exclusive), same forms (default ${DEFAULT-VALUE})")
        String to;

        TimeRange range() {
            return TimeRange.parse(from, to, Instant.now());
        }
    }

    @Command(name = "windows", mixinStandardHelpOptions = true,
            description = "One sensor's windows in a time range (by window start), oldest first.")
    static final class Windows implements Callable<Integer> {
        @ParentCommand
        QueryCommand query;
        @Spec
        CommandSpec spec;
        @Option(names = {"-s", "--sensor"}, required = true, description = "sensor id, e.g. site-a/pump-7/temperature")
        String sensor;
        @picocli.CommandLine.Mixin
        TableOptions table;
        @picocli.CommandLine.Mixin
        RangeOptions range;

        @Override
        public Integer call() {
            WindowFormat format = table.windowFormat();
            TimeRange r = range.range();
            List<WindowResult> windows = query.windowQueries(table.table).windows(sensor, r);
            print(spec, format, windows);
            return 0;
        }
    }

    @Command(name = "anomalies", mixinStandardHelpOptions = true,
            description = "Anomalous windows of all sensors in a time range (GSI anomalies-by-day, one query per UTC day).")
    static final class Anomalies implements Callable<Integer> {
        @ParentCommand
        QueryCommand query;
        @Spec
        CommandSpec spec;
        @picocli.CommandLine.Mixin
        TableOptions table;
        @picocli.CommandLine.Mixin
        RangeOptions range;

        @Override
        public Integer call() {
            WindowFormat format = table.windowFormat();
            TimeRange r = range.range();
            print(spec, format, query.windowQueries(table.table).anomalies(r));
            return 0;
        }
    }

    @Command(name = "latest", mixinStandardHelpOptions = true,
            description = {"The newest window of every sensor.",
                    "With --sensor: one Query per sensor (newest first, Limit 1). Without: one Scan of the table"
                            + " keeping the newest window per sensor (DynamoDB cannot list partition keys without"
                            + " a Scan, so one Scan beats a key Scan plus a Query per sensor)."})
    static final class Latest implements Callable<Integer> {
        @ParentCommand
        QueryCommand query;
        @Spec
        CommandSpec spec;
        @Option(names = {"-s", "--sensor"}, description = "only these sensors (repeatable)")
        List<String> sensors;
        @picocli.CommandLine.Mixin
        TableOptions table;

        @Override
        public Integer call() {
            WindowFormat format = table.windowFormat();
            WindowQueries q = query.windowQueries(table.table);
            print(spec, format, sensors == null || sensors.isEmpty() ? q.latestOfAllSensors() : q.latest(sensors));
            return 0;
        }
    }

    @Command(name = "alerts", mixinStandardHelpOptions = true,
            description = "Alerts on the SQS queue subscribed to the alert topic, read without deleting them.")
    static final class Alerts implements Callable<Integer> {
        @ParentCommand
        QueryCommand query;
        @Spec
        CommandSpec spec;
        @Option(names = "--queue", defaultValue = "${env:SENSORPIPE_ALERT_QUEUE:-sensorpipe-alerts-tail}",
                description = "SQS queue name (env SENSORPIPE_ALERT_QUEUE, default ${DEFAULT-VALUE})")
        String queue;
        @Option(names = "--max", defaultValue = "100", description = "at most this many alerts (default ${DEFAULT-VALUE})")
        int max;
        @Option(names = {"-f", "--format"}, defaultValue = "table", description = "table or json (default ${DEFAULT-VALUE})")
        String format;

        @Override
        public Integer call() {
            if (max < 1) {
                throw new IllegalArgumentException("--max must be at least 1, was " + max);
            }
            if (!format.equals("table") && !format.equals("json")) {
                throw new IllegalArgumentException("--format '" + format + "' is not table or json");
            }
            AlertReader reader = new AlertReader(query.aws().sqs());
            List<Alert> alerts = reader.peek(reader.queueUrl(queue), max, 2);
            PrintWriter out = spec.commandLine().getOut();
            if (format.equals("json")) {
                out.println("[");
                for (int i = 0; i < alerts.size(); i++) {
                    out.println(io.sensorpipe.schema.ReadingCodec.toJson(alerts.get(i)) + (i < alerts.size() - 1 ? "," : ""));
                }
                out.println("]");
            } else {
                for (Alert a : alerts) {
                    out.println(AlertFormat.line(a));
                }
                out.println("(" + alerts.size() + " alert" + (alerts.size() == 1 ? "" : "s") + " on " + queue + ")");
            }
            out.flush();
            return 0;
        }
    }

    /** One readable line per alert. */
    static final class AlertFormat {
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

        static String line(Alert a) {
            StringBuilder s = new StringBuilder(TIME.format(Instant.ofEpochMilli(a.sentAt())));
            if (a.sensorId() != null) {
                if (a.severity() != null) {
                    s.append("  [").append(a.severity()).append(']');
                }
                s.append("  ").append(a.sensorId());
                if (a.windowStart() != null) {
                    s.append("  window ").append(TIME.format(Instant.ofEpochMilli(a.windowStart())));
                }
                if (a.anomalyScore() != null) {
                    s.append(String.format(Locale.ROOT, "  score %.3f", a.anomalyScore()));
                }
                if (a.mean() != null) {
                    s.append(String.format(Locale.ROOT, "  mean %.3f", a.mean()));
                }
            } else {
                s.append("  ").append(a.subject() != null ? a.subject() + ": " : "").append(a.message());
            }
            return s.toString();
        }
    }

    static void print(CommandSpec spec, WindowFormat format, List<WindowResult> windows) {
        PrintWriter out = spec.commandLine().getOut();
        format.write(windows, out);
        out.flush();
    }
}
