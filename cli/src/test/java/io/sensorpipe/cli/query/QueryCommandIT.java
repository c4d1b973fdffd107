package io.sensorpipe.cli.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.cli.SensorpipeCli;
import io.sensorpipe.aws.ResultItemValues;
import io.sensorpipe.cli.ItNames;
import io.sensorpipe.testkit.TestCloud;
import io.sensorpipe.cli.aws.CliAwsClients;
import io.sensorpipe.cli.resources.LocalResources;
import io.sensorpipe.cli.resources.ResourceNames;
import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.schema.WindowResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The query CLI against windows written to the local cloud, across a UTC midnight. */
class QueryCommandIT {
    private static final String PUMP = "site-a/pump-7/temperature";
    private static final String FAN = "site-b/fan-2/vibration";
    private static final long MIDNIGHT = Instant.parse("2025-11-25T00:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;

    private static TestCloud cloud;
    private static CliAwsClients aws;
    private static ResourceNames names;
    private static LocalResources.Created created;

    @BeforeAll
    static void writeWindows() {
        cloud = TestCloud.connect();
        aws = new CliAwsClients();
        names = ItNames.unique(cloud);
        created = new LocalResources(aws).createAll(names);
        List<WindowResult> windows = new ArrayList<>();
        // pump: 6 one-minute windows 23:57..00:02, anomaly at 23:59 (previous UTC day)
        for (int i = -3; i < 3; i++) {
            windows.add(window(PUMP, MIDNIGHT + i * MINUTE, 70 + i, i == -1));
        }
        // fan: 4 windows 00:00..00:03, anomaly at 00:02
        for (int i = 0; i < 4; i++) {
            windows.add(window(FAN, MIDNIGHT + i * MINUTE, 3.0 + i / 10.0, i == 2));
        }
        windows.forEach(w -> aws.dynamo().putItem(r -> r.tableName(names.resultsTable()).item(ResultItemValues.toItem(w, ResultItem.DEFAULT_TTL))));
    }

    @AfterAll
    static void cleanUp() {
        cloud.close();
        aws.close();
    }

    private static WindowResult window(String sensor, long start, double mean, boolean anomaly) {
        return new WindowResult(sensor, start, start + MINUTE, 60, mean - 0.5, mean + 0.5, mean, 0.1, start,
                start + MINUTE - 1000, anomaly ? 0.95 : 0.1, anomaly ? 1 : 0, anomaly, null, "it", start + MINUTE,
                "temperature", sensor.substring(0, 6), "C");
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = SensorpipeCli.commandLine(aws);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        assertThat(code).as("exit code, stderr: %s", err).isZero();
        return out.toString();
    }

    @Test
    void windowsOfOneSensorInARangeAsCsv() {
        String csv = run("query", "windows", "--table", names.resultsTable(), "--sensor", PUMP,
                "--from", "2025-11-24T23:58:00Z", "--to", "2025-11-25T00:01:00Z", "--format", "csv");
        List<String> lines = csv.lines().toList();
        assertThat(lines).hasSize(1 + 3); // header + 23:58, 23:59, 00:00 (the end is exclusive)
        assertThat(lines.get(1)).startsWith(PUMP + "," + (MIDNIGHT - 2 * MINUTE) + ",");
        assertThat(lines.get(2)).contains(",true,");
        assertThat(lines.get(3)).startsWith(PUMP + "," + MIDNIGHT + ",");
    }

    @Test
    void anomaliesAcrossSensorsSpanningMidnightQueryEachUtcDay() {
        String table = run("query", "anomalies", "--table", names.resultsTable(),
                "--from", "2025-11-24T23:00:00Z", "--to", "2025-11-25T01:00:00Z");
        List<String> rows = table.lines().filter(l -> l.startsWith("site-")).toList();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).startsWith(PUMP).contains("2025-11-24 23:59:00").endsWith("*");
        assertThat(rows.get(1)).startsWith(FAN).contains("2025-11-25 00:02:00").endsWith("*");
        assertThat(table).contains("(2 windows, 2 anomalous)");
    }

    @Test
    void latestStateOfEverySensorByScanAndOfNamedSensorsByQuery() throws Exception {
        String json = run("query", "latest", "--table", names.resultsTable(), "--format", "json");
        List<WindowResult> latest = List.of(io.sensorpipe.schema.ReadingCodec.MAPPER.readValue(json,
                WindowResult[].class));
        assertThat(latest).extracting(WindowResult::sensorId).containsExactly(PUMP, FAN);
        assertThat(latest).extracting(WindowResult::windowStart)
                .containsExactly(MIDNIGHT + 2 * MINUTE, MIDNIGHT + 3 * MINUTE);

        String one = run("query", "latest", "--table", names.resultsTable(), "--sensor", FAN, "--format", "csv");
        assertThat(one.lines().skip(1).toList()).singleElement()
                .satisfies(l -> assertThat(l).startsWith(FAN + "," + (MIDNIGHT + 3 * MINUTE) + ","));
    }

    @Test
    void alertsAreReadFromTheSubscribedQueueWithoutBeingDeleted() {
        // more than one receive's worth (10), so reading must page through the queue
        for (int i = 0; i < 12; i++) {
            long windowStart = MIDNIGHT + i * MINUTE;
            aws.sns().publish(r -> r.topicArn(created.topicArn()).subject("anomaly")
                    .message("{\"sensorId\":\"" + PUMP + "\",\"windowStart\":" + windowStart
                            + ",\"anomalyScore\":0.95,\"mean\":69.0}"));
        }
        String first = run("query", "alerts", "--queue", names.alertQueue());
        assertThat(first).contains(PUMP).contains("score 0.950").contains("(12 alerts on " + names.alertQueue() + ")");
        // still all there, and visible at once for the next reader
        String again = run("query", "alerts", "--queue", names.alertQueue());
        assertThat(again).contains("(12 alerts on ");
    }

    @Test
    void badFormatIsAUsageErrorNamingTheFlag() {
        StringWriter err = new StringWriter();
        var cl = SensorpipeCli.commandLine(aws);
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("query", "windows", "--table", names.resultsTable(), "--sensor", PUMP, "--format", "xml");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--format 'xml'");
    }
}
