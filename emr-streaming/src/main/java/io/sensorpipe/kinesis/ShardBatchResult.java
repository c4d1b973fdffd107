package io.sensorpipe.kinesis;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one task did with one shard in one plan, persisted under the checkpoint before its rows are returned, so a
 * re-run reads exactly the same records and the next plan starts where this one stopped.
 *
 * @param end               where the shard stands after this batch
 * @param fromTrimHorizon   the position was lost and reading restarted at TRIM_HORIZON (re-runs do the same)
 * @param dataLoss          what was lost (shard, range), or null
 * @param userRecords       user records returned (after de-aggregation)
 * @param kinesisRecords    Kinesis records fetched, consumed or not
 * @param bytes             bytes of Kinesis records fetched, consumed or not
 * @param getRecordsCalls   GetRecords calls made
 * @param throttles         throttled calls (retried)
 * @param location          the executor that read it ({@code executor_<host>_<id>}, Spark's task location): the next
 *                          task of the shard prefers it, where its read-ahead buffer is; null outside Spark. Not
 *                          stored (it reaches the driver in memory; after a restart no buffer survives anyway), so
 *                          the stored files keep last release's format and a rollback still reads them
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardBatchResult(@JsonProperty("end") ShardPosition end,
                               @JsonProperty("fromTrimHorizon") boolean fromTrimHorizon,
                               @JsonProperty("dataLoss") String dataLoss,
                               @JsonProperty("userRecords") long userRecords,
                               @JsonProperty("kinesisRecords") long kinesisRecords,
                               @JsonProperty("bytes") long bytes,
                               @JsonProperty("getRecordsCalls") long getRecordsCalls,
                               @JsonProperty("throttles") long throttles,
                               @com.fasterxml.jackson.annotation.JsonIgnore String location)
        implements java.io.Serializable {

    public ShardBatchResult(ShardPosition end, boolean fromTrimHorizon, String dataLoss, long userRecords,
                            long kinesisRecords, long bytes, long getRecordsCalls, long throttles) {
        this(end, fromTrimHorizon, dataLoss, userRecords, kinesisRecords, bytes, getRecordsCalls, throttles, null);
    }
}
