package io.sensorpipe.contract;

import io.sensorpipe.contract.TableSpec.Index;
import io.sensorpipe.contract.TableSpec.Key;
import io.sensorpipe.contract.TableSpec.KeyType;
import io.sensorpipe.schema.ResultItem;
import java.util.List;

/** The pipeline's DynamoDB tables (see {@link ResultItem} for the results item's attributes). */
public final class Tables {
    /** Window results: one item collection per sensor, sparse anomalies-by-day GSI, NEW_IMAGE stream, TTL. */
    public static final TableSpec RESULTS = new TableSpec(ResultItem.DEFAULT_TABLE,
            new Key(ResultItem.SENSOR_ID, KeyType.STRING),
            new Key(ResultItem.WINDOW_START, KeyType.NUMBER),
            List.of(new Index(ResultItem.ANOMALIES_GSI,
                    new Key(ResultItem.ANOMALY_DAY, KeyType.STRING),
                    new Key(ResultItem.WINDOW_START, KeyType.NUMBER))),
            true, ResultItem.TTL);

    /** Attribute names of the alert Lambda's per-sensor cooldown state. */
    public static final class AlertState {
        public static final String DEFAULT_TABLE = "sensorpipe-alert-state";
        public static final String SENSOR_ID = ResultItem.SENSOR_ID;
        public static final String TTL = "ttl";

        private AlertState() {
        }
    }

    /** The alert Lambda's cooldown state: one item per sensor. */
    public static final TableSpec ALERT_STATE = new TableSpec(AlertState.DEFAULT_TABLE,
            new Key(AlertState.SENSOR_ID, KeyType.STRING), null, List.of(), false, AlertState.TTL);

    private Tables() {
    }
}
