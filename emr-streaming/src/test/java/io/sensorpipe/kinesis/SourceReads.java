package io.sensorpipe.kinesis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;

/** Runs one batch of the source as Spark's executors would (without its engine): the data of every record read. */
final class SourceReads {
    private SourceReads() {
    }

    static List<String> read(KinesisMicroBatchStream source, KinesisOffset start, KinesisOffset end) throws Exception {
        PartitionReaderFactory factory = source.createReaderFactory();
        List<String> out = new ArrayList<>();
        for (InputPartition p : source.planInputPartitions(start, end)) {
            try (PartitionReader<InternalRow> reader = factory.createReader(p)) {
                while (reader.next()) {
                    out.add(new String(reader.get().getBinary(0), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }
}
