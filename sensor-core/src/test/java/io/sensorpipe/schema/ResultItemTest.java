package io.sensorpipe.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultItemTest {
    private static final long START = 1_764_072_000_000L;

    static WindowResult window(boolean anomaly, Double expected, long processedAt) {
        return new WindowResult("site-a/pump-7/temperature", START, START + 60_000, 12, 10.5, 30.25, 20.0, 4.5,
                START + 1, START + 59_000, 0.93, anomaly ? 0.8 : 0, anomaly, expected, "trcf-v1", processedAt,
                "temperature", "site-a", "C");
    }

    @Test
    void roundTripsEveryField() {
        WindowResult w = window(true, 12.5, START + 70_000);
        assertThat(ResultItem.fromAttributes(ResultItem.toAttributes(w, Duration.ofDays(7)))).isEqualTo(w);
        WindowResult plain = window(false, null, START + 70_000);
        assertThat(ResultItem.fromAttributes(ResultItem.toAttributes(plain, Duration.ofDays(7)))).isEqualTo(plain);
    }

    @Test
    void storesTheWhyFieldsOnlyWhenPresentAndReadsThemBack() {
        WindowResult flagged = new WindowResult("s", START, START + 5_000, 5, 1, 9, 7.5, 2, START, START + 4_000,
                0.97, 0.6, true, 4.0, "v", START + 6_000, "t", "x", "C", 3.0, 5.0, "FOREST_LIKELIHOOD", null);
        Map<String, Object> item = ResultItem.toAttributes(flagged, ResultItem.DEFAULT_TTL);
        assertThat(item).containsEntry(ResultItem.EXPECTED_LOW, 3.0).containsEntry(ResultItem.EXPECTED_HIGH, 5.0)
                .containsEntry(ResultItem.DETECTOR, "FOREST_LIKELIHOOD").doesNotContainKey(ResultItem.UNSCORED_REASON);
        assertThat(ResultItem.fromAttributes(item)).isEqualTo(flagged);
        assertThat(item).doesNotContainKey(ResultItem.FAULT);

        WindowResult stuck = new WindowResult("s", START, START + 5_000, 5, 7, 7, 7, 0, START, START + 4_000,
                1.0, 0, true, null, "v", START + 6_000, "t", "x", "C", null, null, "SENSOR_FAULT", null, "STUCK_VALUE");
        Map<String, Object> stuckItem = ResultItem.toAttributes(stuck, ResultItem.DEFAULT_TTL);
        assertThat(stuckItem).containsEntry(ResultItem.FAULT, "STUCK_VALUE");
        assertThat(ResultItem.fromAttributes(stuckItem)).isEqualTo(stuck);

        WindowResult unscored = new WindowResult("s", START, START + 5_000, 5, 1, 9, 7.5, 2, START, START + 4_000,
                0, 0, false, null, "v", START + 6_000, "t", "x", "C", null, null, "NONE", "IllegalStateException: x");
        Map<String, Object> gap = ResultItem.toAttributes(unscored, ResultItem.DEFAULT_TTL);
        assertThat(gap).containsEntry(ResultItem.UNSCORED_REASON, "IllegalStateException: x")
                .doesNotContainKeys(ResultItem.EXPECTED_LOW, ResultItem.EXPECTED_HIGH);
        assertThat(ResultItem.fromAttributes(gap)).isEqualTo(unscored);

        // an item written before these fields existed reads back with them null
        Map<String, Object> old = ResultItem.toAttributes(window(true, 1.0, START), ResultItem.DEFAULT_TTL);
        assertThat(old).doesNotContainKeys(ResultItem.DETECTOR, ResultItem.EXPECTED_LOW, ResultItem.UNSCORED_REASON,
                ResultItem.FAULT);
        WindowResult back = ResultItem.fromAttributes(old);
        assertThat(back.detector()).isNull();
        assertThat(back.fault()).isNull();
        assertThat(back.expectedLow()).isNull();
        assertThat(back.unscored()).isFalse();
    }

    @Test
    void ttlCountsFromTheLaterOfWindowEndAndWrite() {
        long days7 = Duration.ofDays(7).toSeconds();
        // live: written just after the window closed
        assertThat(ResultItem.ttlEpochSeconds(window(false, null, START + 61_000), Duration.ofDays(7)))
                .isEqualTo((START + 61_000) / 1000 + days7);
        // reprocessed a year later: must not be written already expired
        long later = START + Duration.ofDays(365).toMillis();
        assertThat(ResultItem.toAttributes(window(false, null, later), Duration.ofDays(7)).get(ResultItem.TTL))
                .isEqualTo(later / 1000 + days7);
        // a clock behind the window (processedAt 0): the window's end counts
        assertThat(ResultItem.ttlEpochSeconds(window(false, null, 0), Duration.ofDays(1)))
                .isEqualTo((START + 60_000) / 1000 + 86_400);
    }

    @Test
    void anomalyDayOnlyOnAnomalousWindowsAndExpectedOnlyWhenPresent() {
        Map<String, Object> anomalous = ResultItem.toAttributes(window(true, 1.0, START), ResultItem.DEFAULT_TTL);
        assertThat(anomalous).containsEntry(ResultItem.ANOMALY_DAY, "2025-11-25").containsKey(ResultItem.EXPECTED);
        Map<String, Object> normal = ResultItem.toAttributes(window(false, null, START), ResultItem.DEFAULT_TTL);
        assertThat(normal).doesNotContainKeys(ResultItem.ANOMALY_DAY, ResultItem.EXPECTED);
    }

    @Test
    void readsDynamoDbNumberTextAndRejectsWrongTypesNamingTheAttribute() {
        Map<String, Object> item = new HashMap<>(ResultItem.toAttributes(window(false, null, START), ResultItem.DEFAULT_TTL));
        item.replaceAll((k, v) -> v instanceof Number n ? n.toString() : v);
        item.put(ResultItem.COUNT, "1.2E1");
        assertThat(ResultItem.fromAttributes(item).count()).isEqualTo(12);

        item.put(ResultItem.COUNT, "twelve");
        assertThatThrownBy(() -> ResultItem.fromAttributes(item)).hasMessage("count: must be a number, got \"twelve\"");
        item.put(ResultItem.COUNT, "12");
        item.remove(ResultItem.ANOMALY);
        assertThatThrownBy(() -> ResultItem.fromAttributes(item)).hasMessage("anomaly: required boolean is missing");
        item.put(ResultItem.ANOMALY, false);
        item.put(ResultItem.WINDOW_END, Long.toString(START));
        assertThatThrownBy(() -> ResultItem.fromAttributes(item)).isInstanceOf(ResultItem.MalformedItemException.class)
                .hasMessageStartingWith("windowEnd: must be after windowStart");
    }

    @Test
    void numbersTooCloseToZeroForDynamoDbAreStoredAsZero() {
        WindowResult tiny = new WindowResult("s", START, START + 1, 2, 1e-200, 3e-200, 2e-200, 1e-131, START,
                START, 1e-140, 1e-300, false, -1e-135, "m", START, "t", "x", "u", -4e-150, 4e-150, null, null, null);
        Map<String, Object> item = ResultItem.toAttributes(tiny, ResultItem.DEFAULT_TTL);
        assertThat(item).containsEntry(ResultItem.MIN, 0.0).containsEntry(ResultItem.MAX, 0.0)
                .containsEntry(ResultItem.MEAN, 0.0).containsEntry(ResultItem.VARIANCE, 0.0)
                .containsEntry(ResultItem.ANOMALY_SCORE, 0.0).containsEntry(ResultItem.ANOMALY_GRADE, 0.0)
                .containsEntry(ResultItem.EXPECTED, 0.0).containsEntry(ResultItem.EXPECTED_LOW, 0.0)
                .containsEntry(ResultItem.EXPECTED_HIGH, 0.0);
        assertThat(ResultItem.storable(1e-130)).as("DynamoDB's smallest magnitude is kept").isEqualTo(1e-130);
        assertThat(ResultItem.storable(-2.5e-7)).isEqualTo(-2.5e-7);
        assertThat(ResultItem.storable(3.4e38)).isEqualTo(3.4e38);
    }

    @Test
    void refusesNumbersDynamoDbCannotStore() {
        WindowResult nan = new WindowResult("s", START, START + 1, 1, Double.NaN, 1, 1, 0, START, START, 0, 0, false,
                null, "m", START, "t", "x", "u");
        assertThatThrownBy(() -> ResultItem.toAttributes(nan, ResultItem.DEFAULT_TTL))
                .hasMessage("min must be finite for DynamoDB, got NaN");
    }
}
