package io.sensorpipe.alerts.cooldown;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

/**
 * The result of {@link AlertStateStore#claim}; when {@link #outcome()} is CLAIMED, {@code claimId} identifies this
 * invocation's claim and {@code previous} is the state item it replaced (null if none), so a failed publish can put
 * it back.
 */
public record AlertClaim(ClaimOutcome outcome, String sensorId, long windowStart, String claimId,
                         Map<String, AttributeValue> previous) {

    public boolean claimed() {
        return outcome == ClaimOutcome.CLAIMED;
    }
}
