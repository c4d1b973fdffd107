package io.sensorpipe.cli.dashboard;

import io.sensorpipe.aws.DynamoTables;
import io.sensorpipe.cli.SensorpipeCli;
import io.sensorpipe.cli.query.AlertReader;
import io.sensorpipe.cli.query.TimeRange;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sensorpipe dashboard}: the live dashboard on http://127.0.0.1:PORT/ until Ctrl-C. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = "Serve the live dashboard (window means, anomaly markers, alert feed) on 127.0.0.1.")
public final class DashboardCommand implements Callable<Integer> {
    @ParentCommand
    SensorpipeCli root;

    @Option(names = "--port", defaultValue = "${env:SENSORPIPE_DASHBOARD_PORT:-8765}",
            description = "port on 127.0.0.1, 0 = any free port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--table", defaultValue = "${env:SENSORPIPE_RESULTS_TABLE:-sensorpipe-results}",
            description = "results table (default ${DEFAULT-VALUE})")
    String table;

    @Option(names = "--queue", defaultValue = "${env:SENSORPIPE_ALERT_QUEUE:-sensorpipe-alerts-tail}",
            description = "SQS queue subscribed to the alert topic (default ${DEFAULT-VALUE})")
    String queue;

    @Option(names = "--points", defaultValue = "120", description = "newest windows per sensor (default ${DEFAULT-VALUE})")
    int points;

    @Option(names = "--refresh", defaultValue = "1s", description = "server refresh interval (default ${DEFAULT-VALUE})")
    String refresh;

    @Option(names = "--discover-every", defaultValue = "15s",
            description = "how often to look for new sensors, a table Scan (default ${DEFAULT-VALUE})")
    String discoverEvery;

    @Override
    public Integer call() throws InterruptedException {
        DashboardConfig config = new DashboardConfig(port, table, queue, points,
                TimeRange.parseDuration("--refresh", refresh).toMillis(),
                TimeRange.parseDuration("--discover-every", discoverEvery).toMillis());
        // Fail here, in one line, rather than serve a page whose background refresh fails forever.
        DynamoTables.requireExists(root.aws().dynamo(), table);
        new AlertReader(root.aws().sqs()).queueUrl(queue);
        DashboardSnapshots snapshots = new DashboardSnapshots(root.aws().dynamo(), new AlertReader(root.aws().sqs()),
                config);
        CountDownLatch stopped = new CountDownLatch(1);
        try (DashboardServer server = new DashboardServer(snapshots, config)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            System.out.println("dashboard: " + server.url() + "  (table " + table + ", alerts " + queue
                    + "; Ctrl-C stops)");
            System.out.flush();
            stopped.await();
        }
        return 0;
    }
}
