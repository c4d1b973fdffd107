package io.sensorpipe.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sensorpipe.cli.ItNames;
import io.sensorpipe.testkit.TestCloud;
import io.sensorpipe.cli.aws.CliAwsClients;
import io.sensorpipe.cli.query.AlertReader;
import io.sensorpipe.aws.ResultItemValues;
import io.sensorpipe.cli.resources.LocalResources;
import io.sensorpipe.cli.resources.ResourceNames;
import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.schema.WindowResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard rendered by headless Chromium against windows in the local cloud: the DOM must show every
 * sensor and mark the anomalous window. Also writes target/dashboard-it.png to look at.
 */
class DashboardIT {
    private static final String PUMP = "site-a/pump-7/temperature";
    private static final String FAN = "site-b/fan-2/vibration";
    private static final long MINUTE = 60_000;

    private static TestCloud cloud;
    private static CliAwsClients aws;
    private static ResourceNames names;
    private static long anomalyStart;

    @BeforeAll
    static void writeWindowsAndAlert() {
        cloud = TestCloud.connect();
        aws = new CliAwsClients();
        names = ItNames.unique(cloud);
        LocalResources.Created created = new LocalResources(aws).createAll(names);
        long start = System.currentTimeMillis() / MINUTE * MINUTE - 30 * MINUTE;
        anomalyStart = start + 20 * MINUTE;
        List<WindowResult> windows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long s = start + i * MINUTE;
            double pump = 70 + 2 * Math.sin(i / 4.0) + (s == anomalyStart ? 25 : 0);
            windows.add(window(PUMP, s, pump, s == anomalyStart, "temperature", "C"));
            // the fan's newest window: flagged while it was silent (no readings, nothing to plot but its marker)
            windows.add(i == 29 ? io.sensorpipe.score.WindowResults.silence(FAN, s, s + MINUTE, "it", s + MINUTE,
                    "vibration", FAN.substring(0, 6), "mm/s")
                    : window(FAN, s, 3 + 0.3 * Math.cos(i / 3.0), false, "vibration", "mm/s"));
        }
        windows.forEach(w -> aws.dynamo().putItem(r -> r.tableName(names.resultsTable()).item(ResultItemValues.toItem(w, ResultItem.DEFAULT_TTL))));
        // the alert Lambda's form: a text body, sensor/severity/score/window as SNS message attributes
        aws.sns().publish(r -> r.topicArn(created.topicArn()).subject("[HIGH] anomaly " + PUMP + ": 95.1 C")
                .message("Anomalous window for sensor " + PUMP)
                .messageAttributes(java.util.Map.of(
                        "sensorId", attr("String", PUMP), "severity", attr("String", "HIGH"),
                        "score", attr("Number", "0.97"), "windowStart", attr("Number", Long.toString(anomalyStart)))));
    }

    @AfterAll
    static void cleanUp() {
        cloud.close();
        aws.close();
    }

    private static software.amazon.awssdk.services.sns.model.MessageAttributeValue attr(String type, String value) {
        return software.amazon.awssdk.services.sns.model.MessageAttributeValue.builder().dataType(type)
                .stringValue(value).build();
    }

    private static WindowResult window(String sensor, long start, double mean, boolean anomaly, String type,
                                       String unit) {
        return new WindowResult(sensor, start, start + MINUTE, 60, mean - 0.8, mean + 0.8, mean, 0.2, start,
                start + MINUTE - 1000, anomaly ? 0.97 : 0.1, anomaly ? 1 : 0, anomaly, null, "it", start + MINUTE,
                type, sensor.substring(0, 6), unit);
    }

    @Test
    void pageShowsEverySensorAndMarksTheAnomalousWindowAndTheAlert() throws Exception {
        String chromium = findChromium();
        assertTrue(chromium != null, "chromium not on the PATH: sudo apt-get install -y chromium (see scripts/check-prereqs)");
        DashboardConfig config = new DashboardConfig(0, names.resultsTable(), names.alertQueue(), 120, 1000, 15000);
        try (DashboardServer server = new DashboardServer(
                new DashboardSnapshots(aws.dynamo(), new AlertReader(aws.sqs()), config), config)) {
            String dom = chromium(chromium, server.url(), "--dump-dom");
            assertThat(dom).contains("data-state=\"live\"");
            assertThat(sensorCards(dom)).containsExactlyInAnyOrder(PUMP + " anomalies=1", FAN + " anomalies=1");
            Matcher marker = Pattern.compile("class=\"anomaly-marker\"[^>]*data-window-start=\"(\\d+)\"").matcher(dom);
            List<Long> markers = new ArrayList<>();
            while (marker.find()) {
                markers.add(Long.parseLong(marker.group(1)));
            }
            assertThat(markers).as("anomaly markers in %s", dom)
                    .containsExactlyInAnyOrder(anomalyStart, anomalyStart + 9 * MINUTE);
            assertThat(dom).as("a silent sensor shows no made-up value").contains("class=\"value\">silent<");
            assertThat(dom).as("its marker says which fault").contains("SENSOR_FAULT/SILENT");
            assertThat(dom).contains("class=\"alert\" data-sensor-id=\"" + PUMP + "\"");

            Path png = Path.of("target", "dashboard-it.png").toAbsolutePath();
            chromium(chromium, server.url(), "--screenshot=" + png, "--window-size=1280,800");
            assertThat(png).isNotEmptyFile();
        }
    }

    private static List<String> sensorCards(String dom) {
        Matcher m = Pattern.compile("<section class=\"sensor[^\"]*\" data-sensor-id=\"([^\"]+)\" data-windows=\"(\\d+)\""
                + " data-anomalies=\"(\\d+)\"").matcher(dom);
        List<String> cards = new ArrayList<>();
        while (m.find()) {
            assertThat(m.group(2)).isEqualTo("30");
            cards.add(m.group(1) + " anomalies=" + m.group(3));
        }
        return cards;
    }

    private static String chromium(String binary, String url, String... mode) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("dashboard-it-chromium");
        List<String> cmd = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
        cmd.addAll(List.of(mode));
        cmd.add(url);
        Path out = Files.createTempFile("dashboard-it", ".html");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 90 s");
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** The first Chromium-like browser on the PATH (names differ between distributions). */
    private static String findChromium() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }
}
