package io.sensorpipe.cli.dashboard;

/**
 * The dashboard's settings, validated at start.
 *
 * @param port                TCP port on 127.0.0.1 (0 = any free port)
 * @param table               results table
 * @param queue               SQS queue subscribed to the alert topic
 * @param points              newest windows shown per sensor
 * @param refreshMillis       how often the server re-reads the sources
 * @param discoverEveryMillis how often sensors are re-discovered (a Scan)
 */
public record DashboardConfig(int port, String table, String queue, int points, long refreshMillis,
                              long discoverEveryMillis) {
    public DashboardConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in 0..65535, was " + port);
        }
        if (table == null || table.isBlank()) {
            throw new IllegalArgumentException("--table is empty");
        }
        if (queue == null || queue.isBlank()) {
            throw new IllegalArgumentException("--queue is empty");
        }
        if (points < 2 || points > 1000) {
            throw new IllegalArgumentException("--points must be in 2..1000, was " + points);
        }
        if (refreshMillis < 200) {
            throw new IllegalArgumentException("--refresh must be at least 200ms, was " + refreshMillis + "ms");
        }
        if (discoverEveryMillis < refreshMillis) {
            throw new IllegalArgumentException("--discover-every must not be shorter than --refresh");
        }
    }
}
