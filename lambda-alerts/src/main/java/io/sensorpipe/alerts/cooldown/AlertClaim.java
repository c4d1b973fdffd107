package io.sensorpipe.alerts.cooldown;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

/**
 * The result of {@link AlertStateStore#claim}; when {@link #outcome()} is CLAIMED, {@code claimId} identifies this
 * invocation's claim and {@code previous} is the state item it replaced (null if none), so a failed publish can put
 * it back. When IN_FLIGHT, {@code leaseUntil} is when the other invocation's claim may be taken over (epoch ms; 0
 * when unknown).
 */
public record AlertClaim(ClaimOutcome outcome, String sensorId, long windowStart, String claimId,
                         Map<String, AttributeValue> previous, long leaseUntil) {

    public AlertClaim(ClaimOutcome outcome, String sensorId, long windowStart, String claimId,
                      Map<String, AttributeValue> previous) {
        this(outcome, sensorId, windowStart, claimId, previous, 0);
    }

    public boolean claimed() {
        return outcome == ClaimOutcome.CLAIMED;
    }
}
