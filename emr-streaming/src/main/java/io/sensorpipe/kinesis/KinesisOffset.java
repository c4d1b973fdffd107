package io.sensorpipe.kinesis;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.connector.read.streaming.Offset;

/**
 * One plan of the source, stored as JSON in Spark's offset log. A batch whose end offset is plan {@code n} reads,
 * for every shard, from the position in {@link #shards()} (where plan {@code n-1}'s tasks stopped) up to the
 * alignment {@link #ceiling()}, at most a cap of records; the tasks persist where they actually stopped under the
 * checkpoint, keyed by {@code (n, shard)} ({@link BatchMetadataStore}). A re-run of plan {@code n} after a crash
 * reads exactly up to those persisted ends, so it sees the records of its first attempt.
 *
 * @param start   the stream start position spec for shards without a consumed record
 * @param plan    plan number; the initial offset is plan 0, which is never read
 * @param ceiling newest event time (ms) a task may consume: {@link Long#MAX_VALUE} when no shard holds the others,
 *                {@link Long#MIN_VALUE} while none has a known event-time position yet (tasks then only look)
 * @param floor   every record up to this event time must be consumed, even past the cap (see {@link AlignmentPlan})
 * @param leaders shards holding the oldest position: each may consume its next record even when it ends beyond
 *                the ceiling, if it starts by it (a KPL aggregate spanning more than the watermark delay)
 */
public final class KinesisOffset extends Offset {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String start;
    private final long plan;
    private final long ceiling;
    private final long floor;
    private final java.util.List<String> leaders;
    /** {@link #leaders} for lookups: planning asks once per shard, and every shard may be a leader. */
    private final java.util.Set<String> leaderSet;
    private final SortedMap<String, ShardPosition> shards;

    @JsonCreator
    public KinesisOffset(@JsonProperty("start") String start,
                         @JsonProperty("plan") long plan,
                         @JsonProperty("ceiling") Long ceiling,
                         @JsonProperty("floor") Long floor,
                         @JsonProperty("leaders") java.util.List<String> leaders,
                         @JsonProperty("shards") Map<String, ShardPosition> shards) {
        this.start = start;
        this.plan = plan;
        this.ceiling = ceiling == null ? Long.MIN_VALUE : ceiling; // offsets written before alignment
        this.floor = floor == null ? Long.MIN_VALUE : floor;
        this.leaders = leaders == null ? java.util.List.of() : java.util.List.copyOf(leaders);
        this.leaderSet = this.leaders.isEmpty() ? java.util.Set.of() : new java.util.HashSet<>(this.leaders);
        this.shards = new TreeMap<>(shards);
    }

    public KinesisOffset(String start, Map<String, ShardPosition> shards) {
        this(start, 0, Long.MIN_VALUE, Long.MIN_VALUE, null, shards);
    }

    @JsonProperty("start")
    public String start() {
        return start;
    }

    @JsonProperty("plan")
    public long plan() {
        return plan;
    }

    @JsonProperty("ceiling")
    public long ceiling() {
        return ceiling;
    }

    @JsonProperty("floor")
    public long floor() {
        return floor;
    }

    @JsonProperty("leaders")
    public java.util.List<String> leaders() {
        return leaders;
    }

    /** Whether shard {@code id} is one of {@link #leaders()}. */
    public boolean leads(String id) {
        return leaderSet.contains(id);
    }

    @JsonProperty("shards")
    public SortedMap<String, ShardPosition> shards() {
        return shards;
    }

    public StartPosition startPosition() {
        return StartPosition.parse(start);
    }

    @Override
    public String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static KinesisOffset fromJson(String json) {
        try {
            return JSON.readValue(json, KinesisOffset.class);
        } catch (JsonProcessingException e) {
            // e.g. a checkpoint started with --source aws-kinesis: each source reads only its own offsets
            String shown = json.length() > 300 ? json.substring(0, 300) + "..." : json;
            throw new IllegalArgumentException("the checkpoint's source offset was not written by the "
                    + KinesisSourceProvider.SHORT_NAME + " source (started with another --source?): restart with the "
                    + "--source that started this checkpoint, or start a new checkpoint. Offset: " + shown, e);
        }
    }
}
