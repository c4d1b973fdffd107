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
 * The source's position, stored as JSON in Spark's offset log: for each shard that may be read, the last consumed
 * sequence number. A batch's end offset is what the driver actually saw in {@code latestOffset}, so a batch re-run
 * after a crash re-reads exactly the same records.
 */
public final class KinesisOffset extends Offset {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String start;
    private final SortedMap<String, ShardPosition> shards;

    @JsonCreator
    public KinesisOffset(@JsonProperty("start") String start,
                         @JsonProperty("shards") Map<String, ShardPosition> shards) {
        this.start = start;
        this.shards = new TreeMap<>(shards);
    }

    @JsonProperty("start")
    public String start() {
        return start;
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
            throw new IllegalArgumentException("not a kinesis offset: " + json, e);
        }
    }
}
