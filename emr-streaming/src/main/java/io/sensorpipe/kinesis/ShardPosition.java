package io.sensorpipe.kinesis;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/**
 * Where reading of one shard stands at a batch boundary, as the executor that read it left it.
 *
 * @param afterSequenceNumber last Kinesis record consumed (an aggregated record is consumed whole), or null when
 *                            nothing was consumed yet and reading starts at the stream's start position
 * @param finished            the shard is closed (resharded) and every record of it was consumed: its children may
 *                            now be read
 * @param nextEventTime       event time (ms) of the first record not consumed yet, when the reader saw it (it stopped
 *                            at the alignment ceiling or the batch cap in the middle of a page); null when unknown
 * @param lastEventTime       newest event time (ms) consumed from this shard so far; null before the first reading
 * @param nextSequenceNumber  sequence number of that first unconsumed record, when seen: lets a later read prove that
 *                            nothing between the position and the trim horizon was lost
 * @param idle                the last read reached the shard's tip (empty answer, MillisBehindLatest 0): the shard does
 *                            not hold the other shards back until it has records again
 * @param millisBehindLatest  MillisBehindLatest of the last GetRecords answer, or -1 when none was made yet
 * @param iterator            NextShardIterator after the position when the last read consumed a whole page (an empty
 *                            stretch of the shard is then not read again); a hint only, valid for minutes
 * @param iteratorAtMillis    when {@code iterator} was returned
 * @param recordsPerSecond    Kinesis records per second of event time seen on this shard: sizes GetRecords pages so
 *                            that a read stopping at the ceiling fetches little it does not consume
 * @param startCheck          the shard existed when a query with an AT_TIMESTAMP start started and has neither
 *                            returned a record nor been read to its tip since: its first record is checked against
 *                            the retention (later, an old start would look like a loss that is none). Written only
 *                            when true, so other positions keep the earlier format
 */
// a later release may add fields: this one then still reads its positions (a rollback) instead of failing on them
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardPosition(@JsonProperty("seq") String afterSequenceNumber,
                            @JsonProperty("finished") boolean finished,
                            @JsonProperty("nextTs") Long nextEventTime,
                            @JsonProperty("lastTs") Long lastEventTime,
                            @JsonProperty("nextSeq") String nextSequenceNumber,
                            @JsonProperty("idle") boolean idle,
                            @JsonProperty("behind") long millisBehindLatest,
                            @JsonProperty("it") String iterator,
                            @JsonProperty("itAt") long iteratorAtMillis,
                            @JsonProperty("rps") double recordsPerSecond,
                            @JsonProperty("startCheck") @JsonInclude(JsonInclude.Include.NON_DEFAULT)
                            boolean startCheck) implements Serializable {

    @JsonCreator
    public ShardPosition {
    }

    public ShardPosition(String afterSequenceNumber, boolean finished, Long nextEventTime, Long lastEventTime,
                         String nextSequenceNumber, boolean idle, long millisBehindLatest, String iterator,
                         long iteratorAtMillis, double recordsPerSecond) {
        this(afterSequenceNumber, finished, nextEventTime, lastEventTime, nextSequenceNumber, idle, millisBehindLatest,
                iterator, iteratorAtMillis, recordsPerSecond, false);
    }

    public ShardPosition(String afterSequenceNumber, boolean finished) {
        this(afterSequenceNumber, finished, null, null, null, false, -1, null, 0, 0);
    }

    public static ShardPosition notStarted() {
        return new ShardPosition(null, false);
    }

    /** A shard listed when a query with an AT_TIMESTAMP start starts: see {@code startCheck}. */
    public static ShardPosition atQueryStart() {
        return new ShardPosition(null, false, null, null, null, false, -1, null, 0, 0, true);
    }

    /**
     * The shard's event-time position for alignment: no reading it has left to give is older than this (per shard,
     * readings are in event-time order). Null when nothing is known yet.
     */
    @JsonIgnore
    public Long eventTimePosition() {
        return nextEventTime != null ? nextEventTime : lastEventTime;
    }

    /**
     * Whether this shard keeps the others from running ahead: it has (or may have) records left to read, and it is
     * not a shard read so far whose records all lacked a usable event time (the job dead-letters those): such a shard
     * has nothing to align, and the others, frozen for it, would wait until it reached its tip (a garbage backlog
     * read a cap a batch). It holds again from its first timed record.
     */
    @JsonIgnore
    public boolean holdsOthers() {
        return !finished && !idle && !(afterSequenceNumber != null && eventTimePosition() == null);
    }
}
