package io.sensorpipe.alerts.cooldown;

import io.sensorpipe.contract.Tables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The alert-state table: one item per sensor (pk {@code sensorId} S) naming the last window that was alerted.
 * Cooldown and de-duplication are one conditional PutItem, so retries, replays and concurrent invocations
 * cannot both win.
 *
 * <p>Order and guarantee (at-least-once): <b>claim</b> (conditional put, status PENDING) → <b>publish</b> →
 * <b>mark SENT</b>. If the publish fails the claim is <b>released</b> (the previous item is put back, conditional on
 * still owning the claim) and the record is reported as failed, so the retry claims again and sends. If the
 * invocation dies between claim and release/mark, the PENDING claim blocks the same window only until its lease
 * ends (then a retry may claim it again); that, or dying between publish and mark, is the only way a window can be
 * alerted twice. We chose this over at-most-once (claim, publish, never release) because a lost alert is worse than
 * a rare duplicate, and subscribers can de-duplicate on the {@code sensorId}+{@code windowStart} attributes.
 *
 * <p>Cooldown is measured in event time (window start), not wall time: the same data always produces the same
 * alerts, whether processed live or replayed. A window older than the last alerted one is suppressed as well.
 */
public final class AlertStateStore {
    public static final String SENSOR_ID = Tables.AlertState.SENSOR_ID;
    public static final String WINDOW_START = "windowStart";
    public static final String COOLDOWN_UNTIL = "cooldownUntil";
    public static final String STATUS = "status";
    public static final String CLAIM_ID = "claimId";
    public static final String LEASE_UNTIL = "leaseUntil";
    public static final String CLAIMED_AT = "claimedAt";
    public static final String SENT_AT = "sentAt";
    public static final String MESSAGE_ID = "messageId";

    public static final String PENDING = "PENDING";
    public static final String SENT = "SENT";

    /** Claimable when no alert yet, when past the cooldown of a strictly older alerted window, or when the same
     *  window's earlier claim was abandoned (lease over, never marked sent). */
    static final String CLAIM_CONDITION = "attribute_not_exists(#sensorId)"
            + " OR (#cooldownUntil <= :windowStart AND #windowStart < :windowStart)"
            + " OR (#windowStart = :windowStart AND #status = :pending AND #leaseUntil < :now)";

    private static final int MAX_CLAIM_ATTEMPTS = 3;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration cooldown;
    private final Duration lease;
    private final Clock clock;

    public AlertStateStore(DynamoDbClient dynamo, String table, Duration cooldown, Duration lease, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.cooldown = cooldown;
        this.lease = lease;
        this.clock = clock;
    }

    /** Tries to take the right to alert {@code windowStart} of {@code sensorId}, with the configured lease. */
    public AlertClaim claim(String sensorId, long windowStart) {
        return claim(sensorId, windowStart, lease);
    }

    /**
     * Tries to take the right to alert {@code windowStart} of {@code sensorId}; a claim never marked sent may be
     * taken over once {@code lease} has passed (as long as its owner can still be running, no longer).
     */
    public AlertClaim claim(String sensorId, long windowStart, Duration lease) {
        for (int attempt = 1; ; attempt++) {
            long now = clock.millis();
            String claimId = UUID.randomUUID().toString();
            Map<String, AttributeValue> item = new HashMap<>();
            item.put(SENSOR_ID, s(sensorId));
            item.put(WINDOW_START, n(windowStart));
            item.put(COOLDOWN_UNTIL, n(windowStart + cooldown.toMillis()));
            item.put(STATUS, s(PENDING));
            item.put(CLAIM_ID, s(claimId));
            item.put(CLAIMED_AT, n(now));
            item.put(LEASE_UNTIL, n(now + lease.toMillis()));
            try {
                PutItemResponse response = dynamo.putItem(b -> b.tableName(table).item(item)
                        .conditionExpression(CLAIM_CONDITION)
                        .expressionAttributeNames(Map.of("#sensorId", SENSOR_ID, "#cooldownUntil", COOLDOWN_UNTIL,
                                "#windowStart", WINDOW_START, "#status", STATUS, "#leaseUntil", LEASE_UNTIL))
                        .expressionAttributeValues(Map.of(":windowStart", n(windowStart), ":pending", s(PENDING),
                                ":now", n(now)))
                        .returnValues(ReturnValue.ALL_OLD));
                Map<String, AttributeValue> previous = response.hasAttributes() && !response.attributes().isEmpty()
                        ? response.attributes() : null;
                return new AlertClaim(ClaimOutcome.CLAIMED, sensorId, windowStart, claimId, previous);
            } catch (ConditionalCheckFailedException lost) {
                GetItemResponse current = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                        .key(Map.of(SENSOR_ID, s(sensorId))));
                if (!current.hasItem() || current.item().isEmpty()) {
                    // Released between our put and our read: the window is claimable again.
                    if (attempt < MAX_CLAIM_ATTEMPTS) {
                        continue;
                    }
                    return new AlertClaim(ClaimOutcome.IN_FLIGHT, sensorId, windowStart, null, null);
                }
                AttributeValue until = current.item().get(LEASE_UNTIL);
                return new AlertClaim(classify(current.item(), windowStart), sensorId, windowStart, null, null,
                        until == null || until.n() == null ? 0 : Long.parseLong(until.n()));
            }
        }
    }

    private static ClaimOutcome classify(Map<String, AttributeValue> current, long windowStart) {
        long claimedWindow = Long.parseLong(current.get(WINDOW_START).n());
        if (claimedWindow != windowStart) {
            return ClaimOutcome.COOLDOWN;
        }
        AttributeValue status = current.get(STATUS);
        return status != null && PENDING.equals(status.s()) ? ClaimOutcome.IN_FLIGHT : ClaimOutcome.DUPLICATE;
    }

    /** Records that the alert went out; returns false when the claim was taken over meanwhile (alert still sent). */
    public boolean markSent(AlertClaim claim, String messageId) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of(SENSOR_ID, s(claim.sensorId())))
                    .updateExpression("SET #status = :sent, #sentAt = :now, #messageId = :messageId REMOVE #leaseUntil")
                    .conditionExpression("#claimId = :claimId")
                    .expressionAttributeNames(Map.of("#status", STATUS, "#sentAt", SENT_AT, "#messageId", MESSAGE_ID,
                            "#leaseUntil", LEASE_UNTIL, "#claimId", CLAIM_ID))
                    .expressionAttributeValues(Map.of(":sent", s(SENT), ":now", n(clock.millis()),
                            ":messageId", s(messageId == null ? "" : messageId), ":claimId", s(claim.claimId()))));
            return true;
        } catch (ConditionalCheckFailedException takenOver) {
            return false;
        }
    }

    /** Undoes a claim whose publish failed, so a retry can send; a no-op when the claim is no longer ours. */
    public boolean release(AlertClaim claim) {
        Map<String, String> names = Map.of("#claimId", CLAIM_ID);
        Map<String, AttributeValue> values = Map.of(":claimId", s(claim.claimId()));
        try {
            if (claim.previous() == null) {
                dynamo.deleteItem(b -> b.tableName(table).key(Map.of(SENSOR_ID, s(claim.sensorId())))
                        .conditionExpression("#claimId = :claimId")
                        .expressionAttributeNames(names).expressionAttributeValues(values));
            } else {
                dynamo.putItem(b -> b.tableName(table).item(claim.previous())
                        .conditionExpression("#claimId = :claimId")
                        .expressionAttributeNames(names).expressionAttributeValues(values));
            }
            return true;
        } catch (ConditionalCheckFailedException takenOver) {
            return false;
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
