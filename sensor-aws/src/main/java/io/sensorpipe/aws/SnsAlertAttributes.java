package io.sensorpipe.aws;

import io.sensorpipe.contract.AlertAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/** SNS message attributes of an alert ({@link AlertAttributes} names them): String and Number typed values. */
public final class SnsAlertAttributes {
    private SnsAlertAttributes() {
    }

    /** String attributes as SNS type String, numeric ones as type Number (filter policies can compare them). */
    public static Map<String, MessageAttributeValue> of(Map<String, String> strings, Map<String, String> numbers) {
        Map<String, MessageAttributeValue> out = new LinkedHashMap<>();
        strings.forEach((name, value) ->
                out.put(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
        numbers.forEach((name, value) ->
                out.put(name, MessageAttributeValue.builder().dataType("Number").stringValue(value).build()));
        return out;
    }
}
