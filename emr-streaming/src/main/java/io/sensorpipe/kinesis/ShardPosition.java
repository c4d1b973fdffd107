package io.sensorpipe.kinesis;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/**
 * Where reading of one shard stands at a batch boundary.
 *
 * @param afterSequenceNumber last Kinesis record consumed (an aggregated record is consumed whole), or null when
 *                            nothing was consumed yet and reading starts at the stream's start position
 * @param finished            the shard is closed (resharded) and every record of it was consumed: its children may
 *                            now be read
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardPosition(@JsonProperty("seq") String afterSequenceNumber,
                            @JsonProperty("finished") boolean finished) implements Serializable {

    public static ShardPosition notStarted() {
        return new ShardPosition(null, false);
    }
}
