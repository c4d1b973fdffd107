package io.sensorpipe.supervisor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorpipe.contract.JobControl.State;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The supervisor's one item per job in DynamoDB. Restarts swap the run id with a conditional write, so a duplicate
 * event (EventBridge delivers at least once, Lambda retries async invocations) never starts a second run.
 */
public final class JobStateStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamo;
    private final String table;

    public JobStateStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** What the store knows about one job. */
    public record JobState(String job, String runId, boolean wantRunning, int restarts, Instant streakFrom, JobSpec spec) {
    }

    public Optional<JobState> get(String job) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(job)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new JobState(job,
                item.containsKey(State.RUN_ID) ? item.get(State.RUN_ID).s() : null,
                "RUNNING".equals(item.get(State.DESIRED).s()),
                item.containsKey(State.RESTARTS) ? Integer.parseInt(item.get(State.RESTARTS).n()) : 0,
                item.containsKey(State.STREAK_FROM) ? Instant.ofEpochSecond(Long.parseLong(item.get(State.STREAK_FROM).n())) : null,
                item.containsKey(State.SPEC) ? readSpec(item.get(State.SPEC).s()) : null));
    }

    /** Records a fresh deployment (or an operator start): new run, desired RUNNING, restart streak cleared. */
    public void deployed(String job, String runId, JobSpec spec, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(key(job));
        item.put(State.RUN_ID, s(runId));
        item.put(State.DESIRED, s("RUNNING"));
        item.put(State.RESTARTS, n(0));
        item.put(State.SPEC, s(writeSpec(spec)));
        item.put(State.UPDATED_AT, n(now.getEpochSecond()));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    /**
     * Records that run {@code runId}, a new version, ended before committing a micro-batch (its deploy fails): desired
     * STOPPED, so the supervisor does not restart a version that cannot run; CloudFormation's rollback deploys the
     * previous one. Only if the item still names that run and wants it running (an operator or a deploy got there first).
     */
    public void checkFailed(String job, String runId, Instant now) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(job))
                    .updateExpression("SET #d = :stopped, #u = :u")
                    .conditionExpression("#r = :run AND #d = :running")
                    .expressionAttributeNames(Map.of("#d", State.DESIRED, "#u", State.UPDATED_AT, "#r", State.RUN_ID))
                    .expressionAttributeValues(Map.of(":stopped", s("STOPPED"), ":running", s("RUNNING"), ":run", s(runId),
                            ":u", n(now.getEpochSecond()))));
        } catch (ConditionalCheckFailedException e) {
            // no longer that run, or already stopped: nothing to mark
        }
    }

    /** Marks the job as deliberately stopped, so its end is not restarted. Keeps the spec for a later start. */
    public void stopping(String job, Instant now) {
        dynamo.updateItem(r -> r.tableName(table).key(key(job))
                .updateExpression("SET #d = :d, #u = :u")
                .expressionAttributeNames(Map.of("#d", State.DESIRED, "#u", State.UPDATED_AT))
                .expressionAttributeValues(Map.of(":d", s("STOPPED"), ":u", n(now.getEpochSecond()))));
    }

    /**
     * Records that the job's runs have ended after a deliberate stop of run {@code stoppedRunId}: no run id, so a later
     * deploy need not reach the old target (after a cluster replacement it may no longer be allowed to). Only if the
     * item still names that run: a deploy that ran meanwhile keeps its new run's id.
     */
    public void stopped(String job, String stoppedRunId, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":d", s("STOPPED"), ":u", n(now.getEpochSecond())));
        String condition = "attribute_not_exists(#r)";
        if (stoppedRunId != null) {
            values.put(":seen", s(stoppedRunId));
            condition = "#r = :seen OR " + condition;
        }
        String when = condition;
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(job))
                    .updateExpression("SET #d = :d, #u = :u REMOVE #r")
                    .conditionExpression(when)
                    .expressionAttributeNames(Map.of("#d", State.DESIRED, "#u", State.UPDATED_AT, "#r", State.RUN_ID))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            // a deploy recorded a new run while this stop waited: that run is the job's, keep its id
        }
    }

    /**
     * Swaps {@code expectedRunId} for {@code newRunId} if the job is still that run and still wanted running.
     * Returns false when another invocation (or a deploy) got there first.
     */
    public boolean restarted(String job, String expectedRunId, String newRunId, int restarts, Instant streakFrom, Instant now) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(job))
                    .updateExpression("SET #r = :new, #n = :n, #f = :f, #u = :u")
                    .conditionExpression("#r = :old AND #d = :running")
                    .expressionAttributeNames(Map.of("#r", State.RUN_ID, "#n", State.RESTARTS, "#f", State.STREAK_FROM,
                            "#u", State.UPDATED_AT, "#d", State.DESIRED))
                    .expressionAttributeValues(Map.of(":new", s(newRunId), ":old", s(expectedRunId), ":n", n(restarts),
                            ":f", n(streakFrom.getEpochSecond()), ":u", n(now.getEpochSecond()), ":running", s("RUNNING"))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Counts a restart that was refused by the cap (keeps the streak so the alarm stays meaningful). */
    public void gaveUp(String job, int restarts, Instant streakFrom, Instant now) {
        dynamo.updateItem(r -> r.tableName(table).key(key(job))
                .updateExpression("SET #n = :n, #f = :f, #u = :u")
                .expressionAttributeNames(Map.of("#n", State.RESTARTS, "#f", State.STREAK_FROM, "#u", State.UPDATED_AT))
                .expressionAttributeValues(Map.of(":n", n(restarts), ":f", n(streakFrom.getEpochSecond()), ":u", n(now.getEpochSecond()))));
    }

    private static Map<String, AttributeValue> key(String job) {
        return Map.of(State.JOB, s(job));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static String writeSpec(JobSpec spec) {
        try {
            return JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job spec does not serialize: " + e.getMessage(), e);
        }
    }

    static JobSpec readSpec(String json) {
        try {
            return JSON.readValue(json, JobSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored job spec does not parse (redeploy the stack to rewrite it): " + e.getMessage(), e);
        }
    }
}
