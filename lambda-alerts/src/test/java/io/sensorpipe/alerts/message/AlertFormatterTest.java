package io.sensorpipe.alerts.message;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.sensorpipe.alerts.decode.WindowImageDecoder;
import io.sensorpipe.schema.WindowResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class AlertFormatterTest {
    private final AlertFormatter formatter = new AlertFormatter(Duration.ofHours(1));

    private static WindowResult anomalousFixtureWindow() throws Exception {
        DynamodbEvent event = EventLoader.loadDynamoDbEvent("events/results-stream-batch.json");
        return WindowImageDecoder.decode(event.getRecords().get(0).getDynamodb().getNewImage());
    }

    @Test
    void subjectNamesSeveritySensorValueAndExpected() throws Exception {
        AlertMessage message = formatter.format(anomalousFixtureWindow());

        assertThat(message.subject()).isEqualTo("[CRITICAL] anomaly site-a/pump-7/temperature: 73.96 C (expected 60 C)");
    }

    @Test
    void bodyShowsWindowValueVersusExpectedScoreAndHistoryCommand() throws Exception {
        String body = formatter.format(anomalousFixtureWindow()).body();

        assertThat(body).startsWith("Anomalous window for sensor site-a/pump-7/temperature (site site-a, type temperature)\n");
        assertThat(body).contains("Severity: CRITICAL  (score 0.930, grade 0.810)\n");
        assertThat(body).contains("Window:   2025-11-25T12:00:00Z .. 2025-11-25T12:01:00Z  (1 min, 12 readings)\n");
        assertThat(body).contains("Value:    mean 73.96 C  (min 70.1, max 80.25)\n");
        assertThat(body).contains("Expected: 60 C, range 55 .. 65 C  (deviation +13.96 C)\n");
        assertThat(body).contains("Detector: FOREST_LIKELIHOOD  (an unusual shape");
        assertThat(body).contains("Model:    trcf-v1\n");
        assertThat(body).contains("History:  scripts/query windows --sensor site-a/pump-7/temperature"
                + " --from 2025-11-25T11:00:00Z --to 2025-11-25T13:01:00Z\n");
    }

    @Test
    void attributesLetSubscribersFilterOnSensorSeverityAndScore() throws Exception {
        AlertMessage message = formatter.format(anomalousFixtureWindow());

        assertThat(message.stringAttributes())
                .containsEntry("sensorId", "site-a/pump-7/temperature")
                .containsEntry("severity", "CRITICAL")
                .containsEntry("site", "site-a")
                .containsEntry("type", "temperature")
                .containsEntry(io.sensorpipe.contract.AlertAttributes.DETECTOR, "FOREST_LIKELIHOOD");
        assertThat(message.numberAttributes())
                .containsEntry("score", "0.930")
                .containsEntry("windowStart", "1764072000000");
    }

    @Test
    void windowWithoutExpectedValueOrUnitStillFormats() {
        WindowResult window = new WindowResult("s1", 0, 30_000, 3, -1.5, 2.5, 0.25, 1, 0, 29_000, 0.55, 0, true,
                null, null, 0, null, null, null);

        AlertMessage message = formatter.format(window);

        assertThat(message.subject()).isEqualTo("[MEDIUM] anomaly s1: 0.25");
        assertThat(message.body()).contains("Expected: (the model gave no expected value)\n")
                .contains("(30 s, 3 readings)")
                .doesNotContain("Model:");
        assertThat(message.stringAttributes()).containsOnlyKeys("sensorId", "severity");
    }

    @Test
    void aSilentSensorsAlertSaysItSentNothingInsteadOfAMeanOfZero() {
        WindowResult silent = io.sensorpipe.score.WindowResults.silence("site-a/p1", 60_000, 65_000, "m1", 70_000,
                "temperature", "site-a", "C");

        AlertMessage message = formatter.format(silent);

        assertThat(message.subject()).isEqualTo("[CRITICAL] anomaly site-a/p1: silent (no readings)");
        assertThat(message.body()).contains("(5 s, 0 readings)")
                .contains("no readings: the sensor went silent")
                .contains("Detector: SENSOR_FAULT: SILENT")
                .doesNotContain("mean 0");
        assertThat(message.stringAttributes()).containsEntry("fault", "SILENT");
    }

    @Test
    void aSensorFaultAlertNamesTheFaultItFound() {
        WindowResult stuck = new WindowResult("site-a/p1", 0, 5_000, 5, 21.5, 21.5, 21.5, 0, 0, 4_000, 1.0, 0, true,
                null, "m1", 0, "temperature", "site-a", "C", 20.0, 23.0, "SENSOR_FAULT", null, "STUCK_VALUE");

        AlertMessage message = formatter.format(stuck);

        assertThat(message.body()).contains("Detector: SENSOR_FAULT: STUCK_VALUE  (a stuck sensor repeating one value)");
        assertThat(message.stringAttributes()).containsEntry("detector", "SENSOR_FAULT")
                .containsEntry("fault", "STUCK_VALUE");
    }

    @Test
    void longOrNonAsciiSubjectIsCutToSnsLimitsAndSensorIsShellQuotedInTheCommand() {
        String sensorId = "site-ü/" + "x".repeat(120) + " 'quoted'";
        WindowResult window = new WindowResult(sensorId, 0, 60_000, 1, 1, 1, 1, 0, 0, 0, 0.95, 0.9, true, 1.0,
                "m", 0, null, null, "°C");

        AlertMessage message = formatter.format(window);

        assertThat(message.subject()).hasSize(AlertFormatter.MAX_SUBJECT).endsWith("...")
                .matches("[\\x20-\\x7e]+");
        assertThat(message.body()).contains("--sensor 'site-ü/" + "x".repeat(120) + " '\\''quoted'\\'''");
    }

    @Test
    void numbersKeepUpToFourDecimalsWithoutTrailingZeros() {
        assertThat(AlertFormatter.number(73.96)).isEqualTo("73.96");
        assertThat(AlertFormatter.number(1500)).isEqualTo("1500");
        assertThat(AlertFormatter.number(0.00012)).isEqualTo("0.0001");
        assertThat(AlertFormatter.number(-0.00001)).isEqualTo("0");
        assertThat(AlertFormatter.number(-2.5)).isEqualTo("-2.5");
    }
}
