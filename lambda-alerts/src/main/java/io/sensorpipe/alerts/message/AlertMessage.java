package io.sensorpipe.alerts.message;

import io.sensorpipe.contract.AlertAttributes;
import java.util.Map;

/**
 * What is published to SNS for one anomalous window.
 *
 * @param subject            email subject line (SNS: at most 100 printable ASCII characters, no line breaks)
 * @param body               plain-text body for humans
 * @param stringAttributes   SNS message attributes of type String ({@link AlertAttributes}: sensorId, severity, ...)
 * @param numberAttributes   SNS message attributes of type Number ({@code score}, ...), for numeric filter policies
 */
public record AlertMessage(String subject, String body, Map<String, String> stringAttributes,
                           Map<String, String> numberAttributes) {
}
