package io.sensorpipe.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.contract.TableSpec.Key;
import io.sensorpipe.contract.TableSpec.KeyType;
import io.sensorpipe.schema.ResultItem;
import org.junit.jupiter.api.Test;

class TablesTest {
    @Test
    void resultsTableDefinesEachKeyAttributeOnceAcrossTableAndIndex() {
        assertThat(Tables.RESULTS.keyAttributes()).containsExactly(
                new Key(ResultItem.SENSOR_ID, KeyType.STRING),
                new Key(ResultItem.WINDOW_START, KeyType.NUMBER),
                new Key(ResultItem.ANOMALY_DAY, KeyType.STRING));
        assertThat(Tables.RESULTS.streamNewImage()).isTrue();
        assertThat(Tables.RESULTS.ttlAttribute()).isEqualTo(ResultItem.TTL);
    }

    @Test
    void alertStateTableIsKeyedBySensorOnlyWithoutStream() {
        assertThat(Tables.ALERT_STATE.keyAttributes()).containsExactly(new Key(ResultItem.SENSOR_ID, KeyType.STRING));
        assertThat(Tables.ALERT_STATE.sortKey()).isNull();
        assertThat(Tables.ALERT_STATE.streamNewImage()).isFalse();
    }

    @Test
    void everyJobMetricNameIsDistinct() {
        assertThat(MetricNames.ALL).doesNotHaveDuplicates().containsAll(MetricNames.JOB_METRICS);
    }
}
