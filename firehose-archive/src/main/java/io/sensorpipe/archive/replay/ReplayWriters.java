package io.sensorpipe.archive.replay;

import io.sensorpipe.producer.KplReadingWriter;
import io.sensorpipe.producer.ProducerConfig;
import io.sensorpipe.producer.ReadingWriter;
import io.sensorpipe.producer.SdkPutRecordsWriter;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import java.nio.file.Path;

/** Builds the producer's writer for a replay target stream (same settings and endpoints as the producer CLI). */
public final class ReplayWriters {
    private ReplayWriters() {
    }

    public static ProducerConfig producerConfig(String stream, Path failureFile) {
        return ProducerConfig.builder(System.getenv()).streamName(stream).failureFile(failureFile).build().validate();
    }

    /** The KPL writer (aggregated records, as the live producer writes them). */
    public static ReadingWriter kpl(String stream, Path failureFile) {
        return KplReadingWriter.create(producerConfig(stream, failureFile));
    }

    /** The producer's plain PutRecords writer (one Kinesis record per reading). */
    public static ReadingWriter sdk(String stream, Path failureFile, KinesisClient kinesis) {
        return new SdkPutRecordsWriter(producerConfig(stream, failureFile), kinesis);
    }
}
