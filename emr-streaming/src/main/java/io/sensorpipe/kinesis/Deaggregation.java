package io.sensorpipe.kinesis;

import io.sensorpipe.aws.KplDeaggregation;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/** The source's user records: KPL aggregates split by {@link KplDeaggregation}, other records as they are. */
public final class Deaggregation {
    private Deaggregation() {
    }

    public static List<KinesisClientRecord> userRecords(List<Record> records) {
        List<KinesisClientRecord> in = new ArrayList<>(records.size());
        for (Record r : records) {
            in.add(KinesisClientRecord.fromRecord(r));
        }
        return KplDeaggregation.deaggregate(in);
    }
}
