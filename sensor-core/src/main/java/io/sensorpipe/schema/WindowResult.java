package io.sensorpipe.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One scored event-time window of one sensor: the streaming job writes one DynamoDB item per window
 * ({@link ResultItem} names the attributes), the alert Lambda reads it back from the table's stream.
 *
 * <p>Deterministic content: the same readings give the same result (except {@code processedAt}), so replays
 * rewrite identical items and the sink stays idempotent. The one result without readings ({@code count} 0, {@code
 * firstTs}/{@code lastTs} 0) flags a sensor while it is silent: the streaming job writes it from the watermark of the
 * batch (which a replayed batch keeps); reprocessing an archive never does.
 *
 * @param sensorId      partition key
 * @param windowStart   sort key, epoch ms (inclusive)
 * @param windowEnd     epoch ms (exclusive)
 * @param count         readings in the window
 * @param min           smallest value
 * @param max           largest value
 * @param mean          arithmetic mean
 * @param variance      population variance
 * @param firstTs       earliest event time in the window
 * @param lastTs        latest event time in the window
 * @param anomalyScore  in [0,1]; higher is more anomalous
 * @param anomalyGrade  the model's grade (0 when not anomalous)
 * @param anomaly       true when the window is flagged
 * @param expected      the value the model expected, when it gives one (else null)
 * @param modelVersion  identifies the scorer and its configuration
 * @param processedAt   wall-clock ms when the result was computed
 * @param type          sensor type (copied from the readings, for alerts)
 * @param site          site (copied from the readings, for alerts)
 * @param unit          unit (copied from the readings, for alerts)
 * @param expectedLow   lower end of the range the model expected the mean in, when it gives one (else null)
 * @param expectedHigh  upper end of that range (else null)
 * @param detector      which part of the detector fired (an {@code io.sensorpipe.score.Detector} name; "NONE" when
 *                      not flagged), or null when the producer of the result did not say
 * @param unscoredReason why the model could not score the window, or null for a scored window
 * @param fault         for a {@code SENSOR_FAULT} flag, which fault (an {@code io.sensorpipe.score.FaultKind} name:
 *                      SPIKE, LEVEL_JUMP, STUCK_VALUE, GAP, SILENT); else null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WindowResult(
        String sensorId,
        long windowStart,
        long windowEnd,
        long count,
        double min,
        double max,
        double mean,
        double variance,
        long firstTs,
        long lastTs,
        double anomalyScore,
        double anomalyGrade,
        boolean anomaly,
        Double expected,
        String modelVersion,
        long processedAt,
        String type,
        String site,
        String unit,
        Double expectedLow,
        Double expectedHigh,
        String detector,
        String unscoredReason,
        String fault) {

    /** A result without the "why" fields (range, detector, unscored reason): for writers that do not know them. */
    public WindowResult(String sensorId, long windowStart, long windowEnd, long count, double min, double max,
                        double mean, double variance, long firstTs, long lastTs, double anomalyScore,
                        double anomalyGrade, boolean anomaly, Double expected, String modelVersion, long processedAt,
                        String type, String site, String unit) {
        this(sensorId, windowStart, windowEnd, count, min, max, mean, variance, firstTs, lastTs, anomalyScore,
                anomalyGrade, anomaly, expected, modelVersion, processedAt, type, site, unit, null, null, null, null);
    }

    /** A result without a fault kind: for writers (and stored items) from before it was recorded. */
    public WindowResult(String sensorId, long windowStart, long windowEnd, long count, double min, double max,
                        double mean, double variance, long firstTs, long lastTs, double anomalyScore,
                        double anomalyGrade, boolean anomaly, Double expected, String modelVersion, long processedAt,
                        String type, String site, String unit, Double expectedLow, Double expectedHigh,
                        String detector, String unscoredReason) {
        this(sensorId, windowStart, windowEnd, count, min, max, mean, variance, firstTs, lastTs, anomalyScore,
                anomalyGrade, anomaly, expected, modelVersion, processedAt, type, site, unit, expectedLow, expectedHigh,
                detector, unscoredReason, null);
    }

    /** True when the model could not score this window ({@link #unscoredReason()} says why). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean unscored() {
        return unscoredReason != null;
    }
}
