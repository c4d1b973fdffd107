package io.sensorpipe.alerts;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import io.sensorpipe.alerts.cooldown.AlertClaim;
import io.sensorpipe.alerts.cooldown.AlertStateStore;
import io.sensorpipe.alerts.cooldown.ClaimOutcome;
import io.sensorpipe.alerts.decode.MalformedImageException;
import io.sensorpipe.alerts.decode.WindowImageDecoder;
import io.sensorpipe.alerts.log.JsonLog;
import io.sensorpipe.alerts.message.AlertFormatter;
import io.sensorpipe.alerts.message.AlertMessage;
import io.sensorpipe.aws.SnsAlertAttributes;
import io.sensorpipe.contract.AlertAttributes;
import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.schema.WindowResult;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishResponse;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The alert Lambda ({@code io.sensorpipe.alerts.AlertHandler::handleRequest}): triggered by the results table's
 * stream (NEW_IMAGE, filtered to anomalies by {@link io.sensorpipe.alerts.filter.AnomalyFilter}), publishes one SNS
 * alert per anomalous window, at most one per sensor per cooldown ({@link AlertStateStore}).
 *
 * <p>Partial batch failures: every record is handled on its own; the ones that fail (malformed image, publish or
 * table error) are returned in {@code batchItemFailures} and never throw, so one bad record does not block the
 * other sensors' alerts (Lambda retries from the lowest failed record; a retried good record is suppressed as a
 * duplicate by the state table). A sensor's later windows in the batch are not handled after one of its windows
 * failed: they are reported failed too, so they are retried after it, in window order. Sent first, a later window
 * would put the sensor into cooldown and the retried earlier one would be suppressed, its alert lost.
 */
public class AlertHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private static final JsonLog LOG = JsonLog.forClass(AlertHandler.class);

    /**
     * Failure reason of a record whose window another invocation has claimed and not finished: it is not an error of
     * the record, so the local runner keeps retrying it until the claim's lease can have expired.
     */
    public static final String CLAIM_IN_FLIGHT_REASON = "another invocation is publishing this window; retry";

    /** Past a lease's end before claiming again (the state table's and this clock's may differ a little). */
    private static final long LEASE_SKEW_MS = 200;
    /**
     * A claim's lease past the end of the invocation that made it: the owner cannot act after its timeout (Lambda
     * ends it), so a claim it left is free seconds after that, not a whole configured lease later (Lambda's retries
     * of a batch come at once and are counted: all of them inside a minute's lease sent the record to the failure
     * destination).
     */
    static final long LEASE_PAST_INVOCATION_MS = 5_000;
    /**
     * Time a record may need once taken on (claim, publish, mark); a record met with less left, and the rest of the
     * batch, are reported failed unhandled (retried), rather than timing out half way and leaving claims behind.
     */
    static final long RECORD_RESERVE_MS = 10_000;

    /** Failure reason of records not handled because the invocation was close to its timeout. */
    public static final String NEAR_TIMEOUT_REASON = "not handled: the invocation was close to its timeout; retried";
    private static final String NO_DYNAMODB = "record has no 'dynamodb' section";

    /** Failure reason of a window not handled because an earlier window of its sensor failed in the same batch. */
    public static final String AFTER_FAILED_WINDOW_REASON = "an earlier window of this sensor failed in this batch; "
            + "retried after it, so the sensor's alerts go out in window order";

    private final AlertConfig config;
    private final SnsClient sns;
    private final AlertStateStore state;
    private final AlertFormatter formatter;
    private final Clock clock;
    private final AlertCounters counters = new AlertCounters();
    private Map<String, String> lastFailures = Map.of();

    /**
     * Lambda's entry: runs once per container during init (and before the SnapStart snapshot), so configuration is
     * validated and the clients are built once, not per invocation.
     */
    public AlertHandler() {
        this(AlertConfig.fromEnv(System.getenv()), AlertAwsClients.dynamoDb(), AlertAwsClients.sns(), Clock.systemUTC());
    }

    public AlertHandler(AlertConfig config, DynamoDbClient dynamo, SnsClient sns, Clock clock) {
        this.config = config;
        this.sns = sns;
        this.state = new AlertStateStore(dynamo, config.stateTable(), config.cooldown(), config.claimLease(), clock);
        this.formatter = new AlertFormatter(config.historyMargin());
        this.clock = clock;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event == null || event.getRecords() == null
                ? List.of() : event.getRecords();
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        Map<String, String> failureReasons = new LinkedHashMap<>();
        Map<RecordOutcome.Kind, Integer> batchCounts = new HashMap<>();
        Set<String> failedSensors = new HashSet<>();
        boolean nearTimeout = false;
        for (DynamodbEvent.DynamodbStreamRecord record : records) {
            String keySensor = keySensorId(record);
            nearTimeout |= context != null && context.getRemainingTimeInMillis() < RECORD_RESERVE_MS;
            RecordOutcome outcome = nearTimeout
                    ? fail(sequenceNumber(record), keySensor, keyWindowStart(record), NEAR_TIMEOUT_REASON)
                    : keySensor != null && failedSensors.contains(keySensor)
                    ? fail(sequenceNumber(record), keySensor, keyWindowStart(record), AFTER_FAILED_WINDOW_REASON)
                    : process(record, context);
            // Only a failure a retry can mend holds the sensor's later windows back: a malformed window is never
            // sent, so no later window's cooldown can suppress it, and holding them would lose them with it.
            String failedSensor = outcome.sensorId() != null ? outcome.sensorId() : keySensor;
            if (outcome.failed() && failedSensor != null && outcome.mendable()) {
                failedSensors.add(failedSensor);
            }
            counters.add(outcome.kind());
            batchCounts.merge(outcome.kind(), 1, Integer::sum);
            if (outcome.failed()) {
                String id = outcome.sequenceNumber() == null ? "" : outcome.sequenceNumber();
                failures.add(StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(id).build());
                failureReasons.put(id, outcome.detail());
            }
        }
        lastFailures = failureReasons;
        LOG.info("batch_done", "requestId", context == null ? null : context.getAwsRequestId(),
                "records", records.size(), "outcomes", batchCounts, "failed", failures.size());
        return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
    }

    /** Handles one record; never throws. */
    public RecordOutcome process(DynamodbEvent.DynamodbStreamRecord record) {
        return process(record, null);
    }

    /**
     * Handles one record; never throws. With the invocation's {@code context}, a window claimed by an invocation that
     * died (its lease not over yet) is waited for inside this invocation when the lease ends in time: Lambda retries
     * a batch as often as its retry attempts allow, however soon, and retries that all came inside the lease would
     * send the record to the failure destination, its alert never sent.
     */
    RecordOutcome process(DynamodbEvent.DynamodbStreamRecord record, Context context) {
        String sequenceNumber = sequenceNumber(record);
        try {
            if (record == null || record.getDynamodb() == null) {
                return reject(sequenceNumber, null, NO_DYNAMODB);
            }
            if ("REMOVE".equals(record.getEventName())) {
                return new RecordOutcome(RecordOutcome.Kind.IGNORED, sequenceNumber, null, null, "REMOVE event");
            }
            Map<String, AttributeValue> image = record.getDynamodb().getNewImage();
            if (Boolean.FALSE.equals(WindowImageDecoder.anomalyFlag(image))) {
                return new RecordOutcome(RecordOutcome.Kind.IGNORED, sequenceNumber, null, null, "not anomalous");
            }
            WindowResult window;
            try {
                window = WindowImageDecoder.decode(image);
            } catch (MalformedImageException malformed) {
                return reject(sequenceNumber, stringOrNull(image, ResultItem.SENSOR_ID),
                        "malformed image: " + malformed.getMessage());
            }
            return alert(sequenceNumber, window, context);
        } catch (RuntimeException unexpected) {
            return fail(sequenceNumber, null, null, "unexpected " + unexpected.getClass().getSimpleName() + ": " + unexpected.getMessage());
        }
    }

    private RecordOutcome alert(String sequenceNumber, WindowResult window, Context context) {
        String sensorId = window.sensorId();
        long windowStart = window.windowStart();
        AlertClaim claim;
        try {
            claim = state.claim(sensorId, windowStart, leaseFor(context));
            if (claim.outcome() == ClaimOutcome.IN_FLIGHT && leaseEndsInTime(claim, context)) {
                long waitMs = claim.leaseUntil() + LEASE_SKEW_MS - clock.millis();
                LOG.info("claim_wait", "sensorId", sensorId, "windowStart", windowStart, "waitMs", waitMs);
                Thread.sleep(Math.max(0, waitMs));
                claim = state.claim(sensorId, windowStart, leaseFor(context));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(sequenceNumber, sensorId, windowStart, CLAIM_IN_FLIGHT_REASON);
        } catch (RuntimeException e) {
            return fail(sequenceNumber, sensorId, windowStart, "alert-state claim failed: " + e.getMessage());
        }
        switch (claim.outcome()) {
            case DUPLICATE -> {
                LOG.info("alert_suppressed", "reason", "duplicate", "sensorId", sensorId, "windowStart", windowStart);
                return new RecordOutcome(RecordOutcome.Kind.SUPPRESSED_DUPLICATE, sequenceNumber, sensorId, windowStart, "already alerted");
            }
            case COOLDOWN -> {
                LOG.info("alert_suppressed", "reason", "cooldown", "sensorId", sensorId, "windowStart", windowStart,
                        "cooldownSeconds", config.cooldown().toSeconds());
                return new RecordOutcome(RecordOutcome.Kind.SUPPRESSED_COOLDOWN, sequenceNumber, sensorId, windowStart, "in cooldown");
            }
            case IN_FLIGHT -> {
                return fail(sequenceNumber, sensorId, windowStart, CLAIM_IN_FLIGHT_REASON);
            }
            default -> {
                // CLAIMED: publish below
            }
        }
        AlertMessage message = formatter.format(window);
        PublishResponse published;
        try {
            published = sns.publish(b -> b.topicArn(config.topicArn()).subject(message.subject()).message(message.body())
                    .messageAttributes(SnsAlertAttributes.of(message.stringAttributes(), message.numberAttributes())));
        } catch (RuntimeException publishFailed) {
            boolean released = releaseQuietly(claim);
            return fail(sequenceNumber, sensorId, windowStart, "publish failed (claim released: " + released + "): "
                    + publishFailed.getMessage());
        }
        boolean marked;
        try {
            marked = state.markSent(claim, published.messageId());
        } catch (RuntimeException e) {
            marked = false;
        }
        LOG.info("alert_sent", "sensorId", sensorId, "windowStart", windowStart, "messageId", published.messageId(),
                "severity", message.stringAttributes().get(AlertAttributes.SEVERITY),
                "score", window.anomalyScore(), "markedSent", marked);
        return new RecordOutcome(RecordOutcome.Kind.SENT, sequenceNumber, sensorId, windowStart, published.messageId());
    }

    /** Whether the other claim's lease ends with time to spare in this invocation (never without a context). */
    private boolean leaseEndsInTime(AlertClaim claim, Context context) {
        if (context == null || claim.leaseUntil() <= 0) {
            return false;
        }
        long wait = claim.leaseUntil() + LEASE_SKEW_MS - clock.millis();
        return wait <= context.getRemainingTimeInMillis() - RECORD_RESERVE_MS;
    }

    /** The lease of a claim made now: the configured one, but not past this invocation's end by more than a margin. */
    java.time.Duration leaseFor(Context context) {
        if (context == null) {
            return config.claimLease();
        }
        long bounded = Math.max(0, context.getRemainingTimeInMillis()) + LEASE_PAST_INVOCATION_MS;
        return bounded < config.claimLease().toMillis() ? java.time.Duration.ofMillis(bounded) : config.claimLease();
    }



    private boolean releaseQuietly(AlertClaim claim) {
        try {
            return state.release(claim);
        } catch (RuntimeException e) {
            LOG.error("claim_release_failed", "sensorId", claim.sensorId(), "windowStart", claim.windowStart(), "error", e);
            return false;
        }
    }

    private static RecordOutcome fail(String sequenceNumber, String sensorId, Long windowStart, String reason) {
        LOG.warn("record_failed", "sequenceNumber", sequenceNumber, "sensorId", sensorId, "windowStart", windowStart,
                "reason", reason);
        return RecordOutcome.failed(sequenceNumber, sensorId, windowStart, reason);
    }

    /** A failure no retry mends (the record itself is bad): it holds back none of its sensor's later windows. */
    private static RecordOutcome reject(String sequenceNumber, String sensorId, String reason) {
        LOG.warn("record_failed", "sequenceNumber", sequenceNumber, "sensorId", sensorId, "reason", reason);
        return RecordOutcome.rejected(sequenceNumber, sensorId, null, reason);
    }

    private static String sequenceNumber(DynamodbEvent.DynamodbStreamRecord record) {
        return record == null || record.getDynamodb() == null ? null : record.getDynamodb().getSequenceNumber();
    }

    /** The record's sensor from its keys (present in every event, whatever the image holds), or null. */
    private static String keySensorId(DynamodbEvent.DynamodbStreamRecord record) {
        return record == null || record.getDynamodb() == null ? null
                : stringOrNull(record.getDynamodb().getKeys(), ResultItem.SENSOR_ID);
    }

    private static Long keyWindowStart(DynamodbEvent.DynamodbStreamRecord record) {
        AttributeValue v = record.getDynamodb().getKeys() == null ? null
                : record.getDynamodb().getKeys().get(ResultItem.WINDOW_START);
        try {
            return v == null || v.getN() == null ? null : Long.valueOf(v.getN());
        } catch (NumberFormatException e) {
            return null; // only for the log line
        }
    }

    private static String stringOrNull(Map<String, AttributeValue> image, String name) {
        AttributeValue value = image == null ? null : image.get(name);
        return value == null ? null : value.getS();
    }

    /** The validated configuration this handler runs with. */
    public AlertConfig config() {
        return config;
    }

    /** Totals since this handler was built. */
    public AlertCounters counters() {
        return counters;
    }

    /** Failure reason per sequence number of the last invocation (the local runner dead-letters with it). */
    public Map<String, String> lastFailureReasons() {
        return lastFailures;
    }
}
