package io.sensorpipe.alerts.runner;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.Record;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds what Lambda's event source mapping would deliver from what the DynamoDB Streams API returns: the
 * {@link DynamodbEvent} record the handler receives, and the same record as Lambda's event JSON, which is what
 * the filter pattern is evaluated against.
 */
public final class StreamRecordConverter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StreamRecordConverter() {
    }

    public static DynamodbEvent.DynamodbStreamRecord toLambdaRecord(Record sdk, String streamArn) {
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventID(sdk.eventID());
        record.setEventName(sdk.eventNameAsString());
        record.setEventVersion(sdk.eventVersion());
        record.setEventSource(sdk.eventSource() == null ? "aws:dynamodb" : sdk.eventSource());
        record.setAwsRegion(sdk.awsRegion());
        record.setEventSourceARN(streamArn);
        software.amazon.awssdk.services.dynamodb.model.StreamRecord in = sdk.dynamodb();
        if (in != null) {
            StreamRecord out = new StreamRecord();
            if (in.approximateCreationDateTime() != null) {
                out.setApproximateCreationDateTime(Date.from(in.approximateCreationDateTime()));
            }
            out.setKeys(in.hasKeys() ? toLambda(in.keys()) : null);
            out.setNewImage(in.hasNewImage() ? toLambda(in.newImage()) : null);
            out.setOldImage(in.hasOldImage() ? toLambda(in.oldImage()) : null);
            out.setSequenceNumber(in.sequenceNumber());
            out.setSizeBytes(in.sizeBytes());
            if (in.streamViewTypeAsString() != null) {
                out.setStreamViewType(StreamViewType.fromValue(in.streamViewTypeAsString()));
            }
            record.setDynamodb(out);
        }
        return record;
    }

    static Map<String, AttributeValue> toLambda(Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> image) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        image.forEach((name, value) -> out.put(name, toLambda(value)));
        return out;
    }

    static AttributeValue toLambda(software.amazon.awssdk.services.dynamodb.model.AttributeValue value) {
        AttributeValue out = new AttributeValue();
        switch (value.type()) {
            case S -> out.setS(value.s());
            case N -> out.setN(value.n());
            case B -> out.setB(value.b().asByteBuffer());
            case SS -> out.setSS(value.ss());
            case NS -> out.setNS(value.ns());
            case BS -> out.setBS(value.bs().stream().map(SdkBytes::asByteBuffer).toList());
            case M -> out.setM(toLambda(value.m()));
            case L -> out.setL(value.l().stream().map(StreamRecordConverter::toLambda).toList());
            case BOOL -> out.setBOOL(value.bool());
            case NUL -> out.setNULL(Boolean.TRUE);
            default -> throw new IllegalArgumentException("unknown attribute value type: " + value);
        }
        return out;
    }

    /** The record as it appears in the Lambda event's {@code Records[]} JSON (the filter's input). */
    public static ObjectNode toEventJson(DynamodbEvent.DynamodbStreamRecord record) {
        ObjectNode json = MAPPER.createObjectNode();
        putIfNotNull(json, "eventID", record.getEventID());
        putIfNotNull(json, "eventName", record.getEventName());
        putIfNotNull(json, "eventVersion", record.getEventVersion());
        putIfNotNull(json, "eventSource", record.getEventSource());
        putIfNotNull(json, "awsRegion", record.getAwsRegion());
        StreamRecord in = record.getDynamodb();
        if (in != null) {
            ObjectNode dynamodb = json.putObject("dynamodb");
            if (in.getApproximateCreationDateTime() != null) {
                dynamodb.put("ApproximateCreationDateTime", in.getApproximateCreationDateTime().getTime() / 1000);
            }
            if (in.getKeys() != null) {
                dynamodb.set("Keys", imageJson(in.getKeys()));
            }
            if (in.getNewImage() != null) {
                dynamodb.set("NewImage", imageJson(in.getNewImage()));
            }
            if (in.getOldImage() != null) {
                dynamodb.set("OldImage", imageJson(in.getOldImage()));
            }
            putIfNotNull(dynamodb, "SequenceNumber", in.getSequenceNumber());
            if (in.getSizeBytes() != null) {
                dynamodb.put("SizeBytes", in.getSizeBytes());
            }
            putIfNotNull(dynamodb, "StreamViewType", in.getStreamViewType());
        }
        putIfNotNull(json, "eventSourceARN", record.getEventSourceARN());
        return json;
    }

    private static ObjectNode imageJson(Map<String, AttributeValue> image) {
        ObjectNode json = MAPPER.createObjectNode();
        image.forEach((name, value) -> json.set(name, valueJson(value)));
        return json;
    }

    private static ObjectNode valueJson(AttributeValue value) {
        ObjectNode json = MAPPER.createObjectNode();
        if (value.getS() != null) {
            json.put("S", value.getS());
        } else if (value.getN() != null) {
            json.put("N", value.getN());
        } else if (value.getB() != null) {
            json.put("B", base64(value.getB()));
        } else if (value.getSS() != null) {
            strings(json.putArray("SS"), value.getSS());
        } else if (value.getNS() != null) {
            strings(json.putArray("NS"), value.getNS());
        } else if (value.getBS() != null) {
            ArrayNode array = json.putArray("BS");
            value.getBS().forEach(bytes -> array.add(base64(bytes)));
        } else if (value.getM() != null) {
            json.set("M", imageJson(value.getM()));
        } else if (value.getL() != null) {
            ArrayNode array = json.putArray("L");
            value.getL().forEach(element -> array.add(valueJson(element)));
        } else if (value.getBOOL() != null) {
            json.put("BOOL", value.getBOOL());
        } else if (value.getNULL() != null) {
            json.put("NULL", value.getNULL());
        }
        return json;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static String base64(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static void putIfNotNull(ObjectNode json, String name, String value) {
        if (value != null) {
            json.put(name, value);
        }
    }
}
