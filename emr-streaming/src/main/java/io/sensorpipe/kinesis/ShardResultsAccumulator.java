package io.sensorpipe.kinesis;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * Carries the tasks' per-shard results to the driver in memory (Spark merges a task's accumulator updates when the
 * task succeeds, before its batch ends), so planning the next batch does not read one file per shard. The files
 * under the checkpoint stay the truth: the driver reads them only for results missing here (after a restart, a
 * failed or re-run task). A task reports the result that is stored, so both always agree.
 *
 * <p>Registered on the driver and carried in the reader factory (deserialized with the task's RDD, where Spark
 * registers it with the running task).
 */
public final class ShardResultsAccumulator
        extends AccumulatorV2<ShardResultsAccumulator.Reported, Map<Long, Map<String, ShardBatchResult>>> {

    /** What one task reports: the stored result of (plan, shard). */
    public record Reported(long plan, String shardId, ShardBatchResult result) implements java.io.Serializable {
    }

    private final ConcurrentHashMap<Long, Map<String, ShardBatchResult>> byPlan = new ConcurrentHashMap<>();

    @Override
    public boolean isZero() {
        return byPlan.isEmpty();
    }

    @Override
    public ShardResultsAccumulator copy() {
        ShardResultsAccumulator c = new ShardResultsAccumulator();
        byPlan.forEach((plan, shards) -> c.byPlan.put(plan, new ConcurrentHashMap<>(shards)));
        return c;
    }

    @Override
    public void reset() {
        byPlan.clear();
    }

    @Override
    public void add(Reported r) {
        byPlan.computeIfAbsent(r.plan(), p -> new ConcurrentHashMap<>()).putIfAbsent(r.shardId(), r.result());
    }

    @Override
    public void merge(AccumulatorV2<Reported, Map<Long, Map<String, ShardBatchResult>>> other) {
        other.value().forEach((plan, shards) -> shards.forEach((shard, result) ->
                byPlan.computeIfAbsent(plan, p -> new ConcurrentHashMap<>()).putIfAbsent(shard, result)));
    }

    @Override
    public Map<Long, Map<String, ShardBatchResult>> value() {
        return byPlan;
    }

    /** The result reported for (plan, shard), or null. */
    public ShardBatchResult get(long plan, String shardId) {
        Map<String, ShardBatchResult> shards = byPlan.get(plan);
        return shards == null ? null : shards.get(shardId);
    }

    /** The results reported for plan {@code plan} by shard (live, read-only for the caller), or null. */
    Map<String, ShardBatchResult> ofPlan(long plan) {
        return byPlan.get(plan);
    }

    /** Forgets plans before {@code plan} (driver side: only the newest plans are ever planned from). */
    public void forgetBefore(long plan) {
        byPlan.keySet().removeIf(p -> p < plan);
    }
}
