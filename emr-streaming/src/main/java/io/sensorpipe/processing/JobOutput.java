package io.sensorpipe.processing;

import io.sensorpipe.contract.DeadLetterFields;
import io.sensorpipe.schema.WindowResult;
import java.io.Serializable;

/**
 * One output row of the stateful step (a Spark bean): a scored window ({@link #WINDOW}), a reading that arrived
 * after its window closed ({@link #LATE}) or a record that did not parse ({@link #DEAD}).
 */
public class JobOutput implements Serializable {
    public static final String WINDOW = "WINDOW";
    public static final String LATE = DeadLetterFields.LATE;
    public static final String DEAD = "DEAD";
    /** {@link DeadLetterFields#DUPLICATE}. */
    public static final String DUPLICATE = DeadLetterFields.DUPLICATE;
    /** A sensor's model could not be restored (changed scorer settings, new model version, corrupt snapshot). */
    public static final String MODEL_RESET = "MODEL_RESET";
    /** A sensor's open-window state row could not be decoded: its open windows restarted empty. */
    public static final String STATE_RESET = "STATE_RESET";

    /**
     * How the stateful step's output rows cross into the sink: one Kryo-serialized column. The rows are only
     * handed from the state step to {@code foreachBatch} in the same task (never stored: not part of the checkpoint);
     * a bean encoder spelt out its 32 columns in every batch's plan, the plan's description and the tasks' generated
     * projections (measured with the simpler plan description, see docs/BENCHMARKS.md "Stateful core").
     */
    public static org.apache.spark.sql.Encoder<JobOutput> encoder() {
        return org.apache.spark.sql.Encoders.kryo(JobOutput.class);
    }

    private String kind;
    private String sensorId;
    private long windowStart;
    private long windowEnd;
    private long count;
    private double min;
    private double max;
    private double mean;
    private double variance;
    private long firstTs;
    private long lastTs;
    private double anomalyScore;
    private double anomalyGrade;
    private boolean anomaly;
    private Double expected;
    private String modelVersion;
    private long processedAt;
    private String type;
    private String site;
    private String unit;
    private Double expectedLow;
    private Double expectedHigh;
    private String detector;
    private String unscoredReason;
    private String fault;
    // dead letters (LATE, DUPLICATE and DEAD)
    private String reason;
    private String message;
    private byte[] data;
    private String streamName;
    private String shardId;
    private String sequenceNumber;
    private long subSequenceNumber;
    private Long eventTs;

    public static JobOutput window(WindowResult r) {
        JobOutput o = new JobOutput();
        o.kind = WINDOW;
        o.sensorId = r.sensorId();
        o.windowStart = r.windowStart();
        o.windowEnd = r.windowEnd();
        o.count = r.count();
        o.min = r.min();
        o.max = r.max();
        o.mean = r.mean();
        o.variance = r.variance();
        o.firstTs = r.firstTs();
        o.lastTs = r.lastTs();
        o.anomalyScore = r.anomalyScore();
        o.anomalyGrade = r.anomalyGrade();
        o.anomaly = r.anomaly();
        o.expected = r.expected();
        o.modelVersion = r.modelVersion();
        o.processedAt = r.processedAt();
        o.type = r.type();
        o.site = r.site();
        o.unit = r.unit();
        o.expectedLow = r.expectedLow();
        o.expectedHigh = r.expectedHigh();
        o.detector = r.detector();
        o.unscoredReason = r.unscoredReason();
        o.fault = r.fault();
        return o;
    }

    /**
     * A {@link #DUPLICATE}'s message (the stream and the archive reprocessing say the same): a window holds one reading
     * per sensor and millisecond, and a repeat is taken for a producer retry, whatever its value.
     */
    public static String duplicateMessage(String sensorId, long ts) {
        return "a reading of " + sensorId + " at " + ts + " is already in its window (one reading per sensor and "
                + "millisecond: a repeat, taken for a producer retry, is not windowed even if its value differs)";
    }

    /** A valid reading of a pack that is dead-lettered ({@link #LATE}, {@link #DUPLICATE}): reading {@code i}. */
    public static JobOutput deadLetter(String kind, ReadingPack pack, int i, String reason, String message,
                                       long processedAt) {
        JobOutput o = letter(kind, pack, i, reason, message, pack.readingJson(i), processedAt);
        o.sensorId = pack.getRouteKey();
        o.eventTs = pack.getTs()[i];
        return o;
    }

    /** A record that did not parse or validate ({@link #DEAD}), with its raw bytes. */
    public static JobOutput rejected(ReadingPack reject, long processedAt) {
        return letter(DEAD, reject, 0, reject.getReason(), reject.getMessage(), reject.getData(), processedAt);
    }

    /** A dead letter naming record {@code i} of a pack by its stream position. */
    private static JobOutput letter(String kind, ReadingPack pack, int i, String reason, String message, byte[] data,
                                    long processedAt) {
        JobOutput o = new JobOutput();
        o.kind = kind;
        o.reason = reason;
        o.message = message;
        o.data = data;
        o.streamName = pack.getStreamName();
        o.shardId = pack.getShardId();
        o.sequenceNumber = pack.getSequenceNumbers()[i];
        o.subSequenceNumber = pack.getSubSequenceNumbers()[i];
        o.processedAt = processedAt;
        return o;
    }

    /** A counted event of one sensor ({@link #MODEL_RESET}, {@link #STATE_RESET}) with its reason. */
    public static JobOutput reset(String kind, String sensorId, String reason, long processedAt) {
        JobOutput o = new JobOutput();
        o.kind = kind;
        o.sensorId = sensorId;
        o.reason = kind;
        o.message = reason;
        o.processedAt = processedAt;
        return o;
    }

    /** A row for the dead-letter sink (LATE, DUPLICATE, DEAD). */
    public boolean isDeadLetter() {
        return LATE.equals(kind) || DUPLICATE.equals(kind) || DEAD.equals(kind);
    }

    public WindowResult toWindowResult() {
        return new WindowResult(sensorId, windowStart, windowEnd, count, min, max, mean, variance, firstTs, lastTs,
                anomalyScore, anomalyGrade, anomaly, expected, modelVersion, processedAt, type, site, unit,
                expectedLow, expectedHigh, detector, unscoredReason, fault);
    }

    public Double getExpectedLow() { return expectedLow; }
    public void setExpectedLow(Double v) { expectedLow = v; }
    public Double getExpectedHigh() { return expectedHigh; }
    public void setExpectedHigh(Double v) { expectedHigh = v; }
    public String getDetector() { return detector; }
    public void setDetector(String v) { detector = v; }
    public String getUnscoredReason() { return unscoredReason; }
    public void setUnscoredReason(String v) { unscoredReason = v; }
    public String getFault() { return fault; }
    public void setFault(String v) { fault = v; }

    public String getKind() { return kind; }
    public void setKind(String v) { kind = v; }
    public String getSensorId() { return sensorId; }
    public void setSensorId(String v) { sensorId = v; }
    public long getWindowStart() { return windowStart; }
    public void setWindowStart(long v) { windowStart = v; }
    public long getWindowEnd() { return windowEnd; }
    public void setWindowEnd(long v) { windowEnd = v; }
    public long getCount() { return count; }
    public void setCount(long v) { count = v; }
    public double getMin() { return min; }
    public void setMin(double v) { min = v; }
    public double getMax() { return max; }
    public void setMax(double v) { max = v; }
    public double getMean() { return mean; }
    public void setMean(double v) { mean = v; }
    public double getVariance() { return variance; }
    public void setVariance(double v) { variance = v; }
    public long getFirstTs() { return firstTs; }
    public void setFirstTs(long v) { firstTs = v; }
    public long getLastTs() { return lastTs; }
    public void setLastTs(long v) { lastTs = v; }
    public double getAnomalyScore() { return anomalyScore; }
    public void setAnomalyScore(double v) { anomalyScore = v; }
    public double getAnomalyGrade() { return anomalyGrade; }
    public void setAnomalyGrade(double v) { anomalyGrade = v; }
    public boolean isAnomaly() { return anomaly; }
    public void setAnomaly(boolean v) { anomaly = v; }
    public Double getExpected() { return expected; }
    public void setExpected(Double v) { expected = v; }
    public String getModelVersion() { return modelVersion; }
    public void setModelVersion(String v) { modelVersion = v; }
    public long getProcessedAt() { return processedAt; }
    public void setProcessedAt(long v) { processedAt = v; }
    public String getType() { return type; }
    public void setType(String v) { type = v; }
    public String getSite() { return site; }
    public void setSite(String v) { site = v; }
    public String getUnit() { return unit; }
    public void setUnit(String v) { unit = v; }
    public String getReason() { return reason; }
    public void setReason(String v) { reason = v; }
    public String getMessage() { return message; }
    public void setMessage(String v) { message = v; }
    public byte[] getData() { return data; }
    public void setData(byte[] v) { data = v; }
    public String getStreamName() { return streamName; }
    public void setStreamName(String v) { streamName = v; }
    public String getShardId() { return shardId; }
    public void setShardId(String v) { shardId = v; }
    public String getSequenceNumber() { return sequenceNumber; }
    public void setSequenceNumber(String v) { sequenceNumber = v; }
    public long getSubSequenceNumber() { return subSequenceNumber; }
    public void setSubSequenceNumber(long v) { subSequenceNumber = v; }
    public Long getEventTs() { return eventTs; }
    public void setEventTs(Long v) { eventTs = v; }
}
