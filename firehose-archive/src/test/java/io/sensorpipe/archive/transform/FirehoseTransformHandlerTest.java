package io.sensorpipe.archive.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorpipe.schema.ReadingCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class FirehoseTransformHandlerTest {

    private static JsonNode invoke(String resource) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = FirehoseTransformHandlerTest.class.getResourceAsStream(resource)) {
            new FirehoseTransformHandler().handleRequest(in, out, null);
        }
        return ReadingCodec.MAPPER.readTree(out.toByteArray());
    }

    @Test
    void validReadingIsOkWithANewlineAppended() throws IOException {
        JsonNode first = invoke("/firehose/kinesis-source-event.json").path("records").get(0);
        assertThat(first.path("recordId").asText()).isEqualTo("49546986683135544286507457936321625675700192471156785154000000");
        assertThat(first.path("result").asText()).isEqualTo("Ok");
        String data = new String(Base64.getDecoder().decode(first.path("data").asText()), StandardCharsets.UTF_8);
        assertThat(data).startsWith("{\"v\":1,\"sensorId\":\"site-a/pump-7/temperature\"").endsWith("}\n");
    }

    @Test
    void malformedReadingIsProcessingFailedWithItsOriginalBytes() throws IOException {
        JsonNode second = invoke("/firehose/kinesis-source-event.json").path("records").get(1);
        assertThat(second.path("result").asText()).isEqualTo("ProcessingFailed");
        assertThat(new String(Base64.getDecoder().decode(second.path("data").asText()), StandardCharsets.UTF_8))
                .contains("\"value\":\"hot\"").doesNotEndWith("\n");
    }

    @Test
    void everyInputRecordIdIsAnsweredOnce() throws IOException {
        JsonNode response = invoke("/firehose/kinesis-source-event.json");
        assertThat(response.path("records")).hasSize(2);
    }

    @Test
    void rejectReasonIsLoggedBecauseFirehoseErrorDocumentsDoNotCarryIt() throws IOException {
        JsonNode event;
        try (InputStream in = getClass().getResourceAsStream("/firehose/kinesis-source-event.json")) {
            event = ReadingCodec.MAPPER.readTree(in);
        }
        List<String> log = new ArrayList<>();
        FirehoseTransformHandler.transform(event, log::add);
        assertThat(log).anySatisfy(l -> assertThat(l).contains("shardId-000000000000").contains("'value'"));
        assertThat(log).last().asString().contains("1 ok, 1 processing-failed");
    }
}
