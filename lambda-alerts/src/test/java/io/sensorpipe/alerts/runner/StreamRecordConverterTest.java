package io.sensorpipe.alerts.runner;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StreamRecordConverterTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void eventJsonOfALoadedRecordIsTheLambdaEventJsonItCameFrom() throws Exception {
        DynamodbEvent event = EventLoader.loadDynamoDbEvent("events/results-stream-batch.json");
        JsonNode fixture;
        try (InputStream in = getClass().getResourceAsStream("/events/results-stream-batch.json")) {
            fixture = MAPPER.readTree(in).get("Records");
        }
        for (int i = 0; i < fixture.size(); i++) {
            // re-parsed so both sides use the same numeric node types (int vs long)
            JsonNode built = MAPPER.readTree(StreamRecordConverter.toEventJson(event.getRecords().get(i)).toString());
            assertThat(built).isEqualTo(fixture.get(i));
        }
    }

    @Test
    void streamsApiRecordBecomesTheLambdaRecordWithEveryAttributeType() {
        Record sdk = Record.builder()
                .eventID("e1").eventName(OperationType.MODIFY).eventVersion("1.1").eventSource("aws:dynamodb")
                .awsRegion("us-east-1")
                .dynamodb(StreamRecord.builder()
                        .approximateCreationDateTime(Instant.ofEpochSecond(1764072061))
                        .keys(Map.of("sensorId", AttributeValue.fromS("s1")))
                        .newImage(Map.of(
                                "n", AttributeValue.fromN("1.5"),
                                "b", AttributeValue.fromB(SdkBytes.fromUtf8String("hi")),
                                "ss", AttributeValue.fromSs(List.of("x", "y")),
                                "m", AttributeValue.fromM(Map.of("flag", AttributeValue.fromBool(true))),
                                "l", AttributeValue.fromL(List.of(AttributeValue.fromNul(true)))))
                        .sequenceNumber("42").sizeBytes(99L).streamViewType(StreamViewType.NEW_IMAGE)
                        .build())
                .build();

        DynamodbEvent.DynamodbStreamRecord record = StreamRecordConverter.toLambdaRecord(sdk, "arn:stream");
        JsonNode json = StreamRecordConverter.toEventJson(record);

        assertThat(record.getEventSourceARN()).isEqualTo("arn:stream");
        assertThat(record.getDynamodb().getSequenceNumber()).isEqualTo("42");
        assertThat(json.at("/eventName").asText()).isEqualTo("MODIFY");
        assertThat(json.at("/dynamodb/ApproximateCreationDateTime").asLong()).isEqualTo(1764072061L);
        assertThat(json.at("/dynamodb/StreamViewType").asText()).isEqualTo("NEW_IMAGE");
        assertThat(json.at("/dynamodb/NewImage/n/N").asText()).isEqualTo("1.5");
        assertThat(json.at("/dynamodb/NewImage/b/B").asText()).isEqualTo("aGk=");
        assertThat(json.at("/dynamodb/NewImage/ss/SS/1").asText()).isEqualTo("y");
        assertThat(json.at("/dynamodb/NewImage/m/M/flag/BOOL").asBoolean()).isTrue();
        assertThat(json.at("/dynamodb/NewImage/l/L/0/NULL").asBoolean()).isTrue();
        assertThat(json.at("/dynamodb/Keys/sensorId/S").asText()).isEqualTo("s1");
    }
}
