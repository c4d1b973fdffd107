package io.sensorpipe.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorpipe.backtest.DetectionCounts.Flag;
import io.sensorpipe.backtest.DetectionCounts.Label;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionCountsTest {
    private static final long LIVE = 1_000_000L;
    private static final long END = LIVE + 120_000;

    @Test
    void aLabelIsDetectedOnceHoweverManyWindowsOverlapItAndOtherFlagsAreFalseAlarms() {
        List<Label> labels = List.of(
                new Label("a", LIVE + 10_000, LIVE + 40_000),   // two windows overlap it: one detection
                new Label("b", LIVE + 50_000, LIVE + 50_000),   // a spike: one instant, inside a window
                new Label("c", LIVE + 60_000, LIVE + 70_000));  // missed
        List<Flag> flags = List.of(
                new Flag("a", LIVE + 5_000, LIVE + 10_001, "FOREST_LIKELIHOOD"),  // overlaps a's start by 1 ms
                new Flag("a", LIVE + 20_000, LIVE + 25_000, "FOREST_LIKELIHOOD"),
                new Flag("b", LIVE + 50_000, LIVE + 55_000, "SEASONAL"),
                new Flag("c", LIVE + 70_001, LIVE + 75_000, "RANGE_NOVELTY"),      // after c ended: false alarm
                new Flag("b", LIVE + 60_000, LIVE + 65_000, "WINDOW_STATS"),       // c's time, wrong sensor
                new Flag("a", LIVE + 40_001, LIVE + 45_000, "FOREST_LIKELIHOOD")); // right after a: false alarm

        DetectionCounts d = DetectionCounts.match(labels, flags, LIVE, END);

        assertThat(d.labelled()).isEqualTo(3);
        assertThat(d.detected()).isEqualTo(2);
        assertThat(d.falseAlarms()).isEqualTo(3);
        assertThat(d.falseAlarmLines()).containsExactly(
                "false alarm FOREST_LIKELIHOOD a 00:17:20.001..00:17:25.000 UTC",
                "false alarm WINDOW_STATS b 00:17:40.000..00:17:45.000 UTC",
                "false alarm RANGE_NOVELTY c 00:17:50.001..00:17:55.000 UTC");
        assertThat(d.summaryPart())
                .isEqualTo("labelled=3 detected=2 false_alarms=3 by_detector=forest:3,seasonal:1,stats:1,range:1,fault:0");
    }

    @Test
    void theMissedLabelsAreNamedWithTheirKindAndWhetherTheyRunPastTheLivePart() {
        Label spike = new Label("a", "SPIKE", LIVE + 10_000, LIVE + 10_000);
        Label dropout = new Label("b", "DROPOUT", END - 20_000, END + 35_000);
        DetectionCounts d = DetectionCounts.match(List.of(spike, dropout,
                new Label("c", "LEVEL_SHIFT", LIVE + 30_000, LIVE + 50_000)),
                List.of(new Flag("c", LIVE + 45_000, LIVE + 50_000, "SENSOR_FAULT")), LIVE, END);

        assertThat(d.missed()).containsExactly(spike, dropout);
        assertThat(d.missedLines(END)).containsExactly(
                "missed SPIKE a 00:16:50.000..00:16:50.000 UTC",
                "missed DROPOUT b 00:18:20.000..00:19:15.000 UTC (ends after the live part)");
    }

    @Test
    void onlyTheLivePartCountsAndAHistoryLabelReachingIntoItExplainsItsFlag() {
        List<Label> labels = List.of(
                new Label("a", LIVE - 60_000, LIVE - 30_000),   // history only: not labelled
                new Label("b", LIVE - 10_000, LIVE + 5_000),    // reaches into the live part: labelled
                new Label("c", END + 1_000, END + 9_000));      // after the live part
        List<Flag> flags = List.of(
                new Flag("a", LIVE - 55_000, LIVE - 50_000, "FOREST_LIKELIHOOD"),  // history flag: not counted
                new Flag("b", LIVE - 5_000, LIVE + 1, "SEASONAL"),                 // straddles the live start
                new Flag("c", END + 1_000, END + 6_000, "FOREST_LIKELIHOOD"));     // after the live part

        DetectionCounts d = DetectionCounts.match(labels, flags, LIVE, END);

        assertThat(d.labelled()).isEqualTo(1);
        assertThat(d.detected()).isEqualTo(1);
        assertThat(d.falseAlarms()).isZero();
        assertThat(d.byDetector()).containsEntry("seasonal", 1L).containsEntry("forest", 0L);
    }

    @Test
    void aLabelThatBeganInTheHistoryIsDetectedByTheFlagRaisedWhenItBegan() {
        // a sensor stuck from 50 s before the live part to 10 s into it, flagged once when it got stuck
        Label stuck = new Label("a", "STUCK_VALUE", LIVE - 49_000, LIVE + 10_000);
        Label later = new Label("b", "DROPOUT", LIVE - 49_000, LIVE + 10_000);
        DetectionCounts d = DetectionCounts.match(List.of(stuck, later),
                List.of(new Flag("a", LIVE - 50_000, LIVE - 45_000, "SENSOR_FAULT"),
                        new Flag("b", LIVE - 90_000, LIVE - 85_000, "SENSOR_FAULT")), LIVE, END);

        assertThat(d.labelled()).isEqualTo(2);
        assertThat(d.detected()).isEqualTo(1);
        assertThat(d.missed()).containsExactly(later); // b's flag was before its label: not a detection of it
        assertThat(d.falseAlarms()).isZero();          // history flags are not counted as false alarms either
        assertThat(d.falseAlarmLines()).isEmpty();
        assertThat(d.byDetector()).containsEntry("fault", 0L);
    }

    @Test
    void aFlagAfterTheLivePartNeitherDetectsNorCounts() {
        // a dropout still going on at the end, its silence judged at the end-of-input marker
        Label dropout = new Label("d", "DROPOUT", END - 2_000, END + 30_000);
        DetectionCounts d = DetectionCounts.match(List.of(dropout),
                List.of(new Flag("d", END + 1_000, END + 6_000, "SENSOR_FAULT")), LIVE, END);

        assertThat(d.labelled()).isEqualTo(1);
        assertThat(d.missed()).containsExactly(dropout);
        assertThat(d.falseAlarms()).isZero();
        assertThat(d.byDetector()).containsEntry("fault", 0L);
    }

    @Test
    void aDropoutIsDetectedByTheWindowOfTheSensorsReturnEvenIfItStartsJustAfterTheLabel() {
        // the readings from +17.465 s to +44.465 s never came; the next one, at +45.4 s, is in [45 s, 50 s)
        Label dropout = new Label("v", "DROPOUT", LIVE + 17_465, LIVE + 44_465);
        Label spike = new Label("v", "SPIKE", LIVE + 60_000, LIVE + 60_000);
        DetectionCounts d = DetectionCounts.match(List.of(dropout, spike),
                List.of(new Flag("v", LIVE + 45_000, LIVE + 50_000, "SENSOR_FAULT"),
                        new Flag("v", LIVE + 61_000, LIVE + 66_000, "SENSOR_FAULT")), LIVE, END);

        assertThat(d.detected()).isEqualTo(1);
        assertThat(d.missed()).containsExactly(spike); // only a dropout is seen after its end
        assertThat(d.falseAlarms()).isEqualTo(1);
        assertThat(d.falseAlarmFlags()).extracting(Flag::windowStart).containsExactly(LIVE + 61_000);
    }

    @Test
    void aFlagWithoutDetectorCountsAsUnknownAndNothingLabelledIsZeroNotUnknown() {
        DetectionCounts d = DetectionCounts.match(List.of(), List.of(new Flag("a", LIVE, LIVE + 5_000, null)), LIVE,
                END);
        assertThat(d.summaryPart()).isEqualTo(
                "labelled=0 detected=0 false_alarms=1 by_detector=forest:0,seasonal:0,stats:0,range:0,fault:0,unknown:1");
        assertThat(DetectionCounts.UNKNOWN.summaryPart()).contains("labelled=?");
    }

    @Test
    void readsTheSimulatorsLabelsFileByItsHeader(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("labels.csv");
        Files.writeString(file, "sensorId,kind,startTs,endTs,magnitude\n"
                + "site-00/asset-000/temperature,SPIKE,1000,1000,3.5000\n"
                + "site-00/asset-001/vibration,LEVEL_SHIFT,2000,9000,-1.2500\n");
        assertThat(DetectionCounts.readLabels(file)).containsExactly(
                new Label("site-00/asset-000/temperature", "SPIKE", 1000, 1000),
                new Label("site-00/asset-001/vibration", "LEVEL_SHIFT", 2000, 9000));
        Files.writeString(file, "a,b\n");
        assertThatThrownBy(() -> DetectionCounts.readLabels(file)).hasMessageContaining("header must name sensorId");
    }
}
