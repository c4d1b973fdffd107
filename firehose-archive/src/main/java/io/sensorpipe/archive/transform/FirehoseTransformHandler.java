package io.sensorpipe.archive.transform;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorpipe.archive.layout.RecordTriage;
import io.sensorpipe.schema.ReadingCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Base64;

/**
 * Firehose record-transformation Lambda for the raw archive
 * ({@code io.sensorpipe.archive.transform.FirehoseTransformHandler::handleRequest}).
 *
 * <p>Firehose has already de-aggregated KPL records when it calls this (its Kinesis-stream source does that before
 * the transformation). Per record: a valid reading is returned {@code Ok} with a newline appended, so the S3 object
 * is newline-delimited JSON; anything else is returned {@code ProcessingFailed}, which Firehose writes to
 * {@code <errorOutputPrefix>} with error-output-type {@code processing-failed}. The reason is logged because Firehose's
 * error document does not carry the function's message.
 *
 * <p>Stream handler (Jackson, not the runtime's POJO mapping) so the wire format is exactly Firehose's JSON.
 */
public final class FirehoseTransformHandler implements RequestStreamHandler {
    private static final RecordTriage TRIAGE = new RecordTriage();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = ReadingCodec.MAPPER.readTree(input);
        ObjectNode response = transform(event, message -> {
            if (context != null && context.getLogger() != null) {
                context.getLogger().log(message + "\n");
            }
        });
        ReadingCodec.MAPPER.writeValue(output, response);
    }

    /** Transforms one Firehose event ({@code records[]} of recordId + base64 data) into the response document. */
    public static ObjectNode transform(JsonNode event, java.util.function.Consumer<String> log) {
        ObjectNode response = ReadingCodec.MAPPER.createObjectNode();
        ArrayNode out = response.putArray("records");
        int ok = 0;
        int failed = 0;
        for (JsonNode record : event.path("records")) {
            String recordId = record.path("recordId").asText();
            byte[] raw = Base64.getDecoder().decode(record.path("data").asText(""));
            RecordTriage.Outcome outcome = TRIAGE.triage(raw);
            ObjectNode result = out.addObject();
            result.put("recordId", recordId);
            if (outcome.accepted()) {
                result.put("result", "Ok");
                result.put("data", Base64.getEncoder().encodeToString(outcome.archiveLine()));
                ok++;
            } else {
                // Original bytes go back unchanged: Firehose stores them base64 in the error document.
                result.put("result", "ProcessingFailed");
                result.put("data", Base64.getEncoder().encodeToString(raw));
                JsonNode kinesis = record.path("kinesisRecordMetadata");
                log.accept("rejected record " + recordId + " (shard " + kinesis.path("shardId").asText("?")
                        + ", seq " + kinesis.path("sequenceNumber").asText("?") + "/"
                        + kinesis.path("subsequenceNumber").asText("0") + "): " + outcome.rejectMessage());
                failed++;
            }
        }
        log.accept("transformed " + (ok + failed) + " records: " + ok + " ok, " + failed + " processing-failed");
        return response;
    }
}
