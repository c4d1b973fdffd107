package io.sensorpipe.alerts.decode;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.schema.WindowResult;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a results-table item as it appears in the stream's {@code NewImage} back into a {@link WindowResult}, with
 * the one shared mapping ({@link ResultItem#fromAttributes}): the image's S/N/BOOL values become plain values first
 * (the Lambda events library has its own {@code AttributeValue} type, not the SDK's). Attributes an alert needs are
 * required; a present attribute of the wrong type or unparsable is always an error. On top, an alert needs a score
 * in [0,1].
 */
public final class WindowImageDecoder {

    private WindowImageDecoder() {
    }

    public static WindowResult decode(Map<String, AttributeValue> image) throws MalformedImageException {
        if (image == null || image.isEmpty()) {
            throw new MalformedImageException("NewImage", "missing (the stream view type must be NEW_IMAGE or NEW_AND_OLD_IMAGES)");
        }
        WindowResult window;
        try {
            window = ResultItem.fromAttributes(plain(image));
        } catch (ResultItem.MalformedItemException e) {
            throw new MalformedImageException(e.attribute(), e.getMessage().substring(e.attribute().length() + 2));
        }
        if (window.anomalyScore() < 0 || window.anomalyScore() > 1) {
            throw new MalformedImageException(ResultItem.ANOMALY_SCORE, "must be in [0,1], got " + window.anomalyScore());
        }
        return window;
    }

    /** Whether the image says anomalous; {@code null} when the attribute is absent or not a BOOL. */
    public static Boolean anomalyFlag(Map<String, AttributeValue> image) {
        AttributeValue value = image == null ? null : image.get(ResultItem.ANOMALY);
        return value == null ? null : value.getBOOL();
    }

    /**
     * S to String, N to BigDecimal (kept as its text when unparsable, so the mapping reports it), BOOL to Boolean;
     * NULL counts as absent; other types stay as they are (the mapping rejects them where a value is expected).
     */
    private static Map<String, Object> plain(Map<String, AttributeValue> image) {
        Map<String, Object> out = new LinkedHashMap<>();
        image.forEach((name, v) -> {
            if (v == null || Boolean.TRUE.equals(v.getNULL())) {
                return;
            }
            if (v.getS() != null) {
                out.put(name, v.getS());
            } else if (v.getN() != null) {
                try {
                    out.put(name, new BigDecimal(v.getN().trim()));
                } catch (NumberFormatException e) {
                    out.put(name, v.getN());
                }
            } else if (v.getBOOL() != null) {
                out.put(name, v.getBOOL());
            } else {
                out.put(name, v);
            }
        });
        return out;
    }
}
