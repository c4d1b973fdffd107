package io.sensorpipe.kinesis;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/** KPL de-aggregation with the KCL's {@link AggregatorUtil}; plain records pass through (sub-sequence 0). */
public final class Deaggregation {
    private static final AggregatorUtil AGGREGATOR = new AggregatorUtil();

    private Deaggregation() {
    }

    public static List<KinesisClientRecord> userRecords(List<Record> records) {
        List<KinesisClientRecord> in = new ArrayList<>(records.size());
        for (Record r : records) {
            in.add(KinesisClientRecord.fromRecord(r));
        }
        return AGGREGATOR.deaggregate(in);
    }
}
