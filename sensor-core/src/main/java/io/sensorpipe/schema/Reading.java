package io.sensorpipe.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * One sensor reading, the record every part of the pipeline exchanges (contract, see DESIGN.md).
 *
 * <p>Wire form: one UTF-8 JSON object, e.g.
 * {@code {"v":1,"sensorId":"site-a/pump-7/temperature","type":"temperature","site":"site-a","ts":1764072000123,"value":73.96,"unit":"C"}}.
 * Unknown fields are ignored so producers can add fields without breaking consumers.
 *
 * @param v        schema version ({@link #SCHEMA_VERSION})
 * @param sensorId unique sensor id; also the Kinesis partition key, so one sensor's readings stay ordered
 * @param type     sensor type, e.g. {@code temperature}
 * @param site     site the sensor belongs to (may be empty)
 * @param ts       event time, epoch milliseconds UTC
 * @param value    the measured value (finite)
 * @param unit     unit of {@code value} (may be empty)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Reading(
        @JsonProperty("v") int v,
        @JsonProperty("sensorId") String sensorId,
        @JsonProperty("type") String type,
        @JsonProperty("site") String site,
        @JsonProperty("ts") long ts,
        @JsonProperty("value") double value,
        @JsonProperty("unit") String unit) {

    public static final int SCHEMA_VERSION = 1;

    public Reading {
        Objects.requireNonNull(sensorId, "sensorId");
        Objects.requireNonNull(type, "type");
        site = site == null ? "" : site;
        unit = unit == null ? "" : unit;
    }

    public static Reading of(String sensorId, String type, String site, long ts, double value, String unit) {
        return new Reading(SCHEMA_VERSION, sensorId, type, site, ts, value, unit);
    }

    /** Serialises to the wire form (UTF-8 JSON bytes). */
    public byte[] toJsonBytes() {
        return ReadingCodec.toJsonBytes(this);
    }
}
