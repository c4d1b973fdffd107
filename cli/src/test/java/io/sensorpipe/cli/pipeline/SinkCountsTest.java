package io.sensorpipe.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The identity archive lines are counted by (no services). {@code SinkCountsIT} counts objects in a real S3. */
class SinkCountsTest {
    /** A processing-failed line as the archive bridge writes it: Firehose's fields, then the stream position. */
    private static String bridgeErrorLine(String rawBase64, long arrival, long attemptEnding, String sequence,
                                          long subSequence) {
        return firehoseErrorLine(rawBase64, arrival, attemptEnding).replaceFirst("}$",
                ",\"shardId\":\"shardId-000000000000\",\"sequenceNumber\":\"" + sequence
                        + "\",\"subSequenceNumber\":" + subSequence + "}");
    }

    /** A processing-failed line as Firehose writes it in AWS: no stream position. */
    private static String firehoseErrorLine(String rawBase64, long arrival, long attemptEnding) {
        return "{\"attemptsMade\":1,\"arrivalTimestamp\":" + arrival + ",\"errorCode\":\"Lambda.ProcessingFailedStatus\","
                + "\"errorMessage\":\"empty record\",\"attemptEndingTimestamp\":" + attemptEnding + ",\"rawData\":\""
                + rawBase64 + "\",\"lambdaArn\":\"local:sensorpipe-archive-bridge\"}";
    }

    private static String reading(String sensor, long ts) {
        return "{\"v\":1,\"sensorId\":\"" + sensor + "\",\"type\":\"t\",\"ts\":" + ts + ",\"value\":1.5}";
    }

    @Test
    void twoIdenticalBadRecordsInOneAggregateAreTwoRecords() {
        // one aggregate: same sequence number and arrival time, rejected in the same bridge millisecond
        assertThat(SinkCounts.identity(bridgeErrorLine("", 1_000, 2_000, "4960", 0)))
                .isNotEqualTo(SinkCounts.identity(bridgeErrorLine("", 1_000, 2_000, "4960", 1)));
    }

    @Test
    void aReDeliveredErrorLineIsOneRecord() {
        // written, not checkpointed, re-delivered later: another attempt time, the same stream position
        assertThat(SinkCounts.identity(bridgeErrorLine("bm9wZQ==", 1_000, 2_000, "4960", 3)))
                .isEqualTo(SinkCounts.identity(bridgeErrorLine("bm9wZQ==", 1_000, 9_000, "4960", 3)));
    }

    @Test
    void errorLinesFirehoseWroteWithoutAPositionAreIdentifiedByTheirText() {
        String line = firehoseErrorLine("", 1_000, 2_000);
        assertThat(SinkCounts.identity(line)).isEqualTo(SinkCounts.identity(line))
                .isNotEqualTo(SinkCounts.identity(firehoseErrorLine("", 1_000, 2_001)));
        assertThat(SinkCounts.identity(line)).isNotEqualTo(SinkCounts.identity(bridgeErrorLine("", 1_000, 2_000, "1", 0)));
    }

    @Test
    void aReadingIsIdentifiedBySensorAndTimeWhereverItIs() {
        assertThat(SinkCounts.identity(reading("a", 1))).isEqualTo(SinkCounts.identity(reading("a", 1) + " "))
                .isNotEqualTo(SinkCounts.identity(reading("a", 2)));
    }
}
