package io.sensorpipe.archive.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorDocumentTest {

    @Test
    void documentFirehoseWroteInAwsReadsWithoutAPositionAndWritesBackUnchanged() {
        String firehose = "{\"attemptsMade\":4,\"arrivalTimestamp\":1513654130000,\"errorCode\":\"Lambda.ProcessingFailedStatus\","
                + "\"errorMessage\":\"record failed\",\"attemptEndingTimestamp\":1513654221000,\"rawData\":\"bm9wZQ==\","
                + "\"lambdaArn\":\"arn:aws:lambda:eu-west-1:123456789012:function:f:$LATEST\"}";
        ErrorDocument doc = ErrorDocument.fromLine(firehose);
        assertThat(doc.shardId()).isNull();
        assertThat(doc.sequenceNumber()).isNull();
        assertThat(doc.subSequenceNumber()).isNull();
        assertThat(new String(doc.rawBytes(), StandardCharsets.UTF_8)).isEqualTo("nope");
        assertThat(new String(doc.toLine(), StandardCharsets.UTF_8)).isEqualTo(firehose + "\n");
    }

    @Test
    void bridgeDocumentKeepsFirehoseFieldsFirstAndAddsThePositionAfterThem() {
        String line = new String(ErrorDocument.processingFailed("x".getBytes(StandardCharsets.UTF_8), 1, 2, "m", "arn",
                "shardId-000000000001", "4960", 3).toLine(), StandardCharsets.UTF_8);
        assertThat(line).startsWith("{\"attemptsMade\":1,\"arrivalTimestamp\":1,\"errorCode\":\"Lambda.ProcessingFailedStatus\","
                        + "\"errorMessage\":\"m\",\"attemptEndingTimestamp\":2,\"rawData\":\"eA==\",\"lambdaArn\":\"arn\",")
                .endsWith("\"shardId\":\"shardId-000000000001\",\"sequenceNumber\":\"4960\",\"subSequenceNumber\":3}\n");
    }
}
