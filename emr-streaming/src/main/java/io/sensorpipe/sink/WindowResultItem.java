package io.sensorpipe.sink;

import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.schema.WindowResult;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSecondaryPartitionKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSecondarySortKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSortKey;

/**
 * The results-table item ({@link ResultItem} names every attribute). Content depends only on the window result and
 * the TTL setting, so a replayed batch overwrites an item with identical content. {@code anomalyDay} is set on
 * anomalous windows only (sparse GSI {@value ResultItem#ANOMALIES_GSI}); {@code expected} is omitted when absent.
 */
@DynamoDbBean
public class WindowResultItem {
    private String sensorId;
    private Long windowStart;
    private Long windowEnd;
    private Long count;
    private Double min;
    private Double max;
    private Double mean;
    private Double variance;
    private Long firstTs;
    private Long lastTs;
    private Double anomalyScore;
    private Double anomalyGrade;
    private Boolean anomaly;
    private Double expected;
    private String modelVersion;
    private Long processedAt;
    private String type;
    private String site;
    private String unit;
    private Long ttl;
    private String anomalyDay;

    public static WindowResultItem from(WindowResult r, long ttlSeconds) {
        WindowResultItem i = new WindowResultItem();
        i.sensorId = r.sensorId();
        i.windowStart = r.windowStart();
        i.windowEnd = r.windowEnd();
        i.count = r.count();
        i.min = r.min();
        i.max = r.max();
        i.mean = r.mean();
        i.variance = r.variance();
        i.firstTs = r.firstTs();
        i.lastTs = r.lastTs();
        i.anomalyScore = r.anomalyScore();
        i.anomalyGrade = r.anomalyGrade();
        i.anomaly = r.anomaly();
        i.expected = r.expected();
        i.modelVersion = r.modelVersion();
        i.processedAt = r.processedAt();
        i.type = r.type();
        i.site = r.site();
        i.unit = r.unit();
        // From when the item is written, not from the window: reprocessed old windows would be written expired.
        i.ttl = Math.max(r.windowEnd(), r.processedAt()) / 1000 + ttlSeconds;
        i.anomalyDay = r.anomaly() ? ResultItem.anomalyDay(r.windowStart()) : null;
        return i;
    }

    @DynamoDbPartitionKey
    @DynamoDbAttribute(ResultItem.SENSOR_ID)
    public String getSensorId() { return sensorId; }
    public void setSensorId(String v) { sensorId = v; }

    @DynamoDbSortKey
    @DynamoDbSecondarySortKey(indexNames = ResultItem.ANOMALIES_GSI)
    @DynamoDbAttribute(ResultItem.WINDOW_START)
    public Long getWindowStart() { return windowStart; }
    public void setWindowStart(Long v) { windowStart = v; }

    @DynamoDbAttribute(ResultItem.WINDOW_END)
    public Long getWindowEnd() { return windowEnd; }
    public void setWindowEnd(Long v) { windowEnd = v; }

    @DynamoDbAttribute(ResultItem.COUNT)
    public Long getCount() { return count; }
    public void setCount(Long v) { count = v; }

    @DynamoDbAttribute(ResultItem.MIN)
    public Double getMin() { return min; }
    public void setMin(Double v) { min = v; }

    @DynamoDbAttribute(ResultItem.MAX)
    public Double getMax() { return max; }
    public void setMax(Double v) { max = v; }

    @DynamoDbAttribute(ResultItem.MEAN)
    public Double getMean() { return mean; }
    public void setMean(Double v) { mean = v; }

    @DynamoDbAttribute(ResultItem.VARIANCE)
    public Double getVariance() { return variance; }
    public void setVariance(Double v) { variance = v; }

    @DynamoDbAttribute(ResultItem.FIRST_TS)
    public Long getFirstTs() { return firstTs; }
    public void setFirstTs(Long v) { firstTs = v; }

    @DynamoDbAttribute(ResultItem.LAST_TS)
    public Long getLastTs() { return lastTs; }
    public void setLastTs(Long v) { lastTs = v; }

    @DynamoDbAttribute(ResultItem.ANOMALY_SCORE)
    public Double getAnomalyScore() { return anomalyScore; }
    public void setAnomalyScore(Double v) { anomalyScore = v; }

    @DynamoDbAttribute(ResultItem.ANOMALY_GRADE)
    public Double getAnomalyGrade() { return anomalyGrade; }
    public void setAnomalyGrade(Double v) { anomalyGrade = v; }

    @DynamoDbAttribute(ResultItem.ANOMALY)
    public Boolean getAnomaly() { return anomaly; }
    public void setAnomaly(Boolean v) { anomaly = v; }

    @DynamoDbAttribute(ResultItem.EXPECTED)
    public Double getExpected() { return expected; }
    public void setExpected(Double v) { expected = v; }

    @DynamoDbAttribute(ResultItem.MODEL_VERSION)
    public String getModelVersion() { return modelVersion; }
    public void setModelVersion(String v) { modelVersion = v; }

    @DynamoDbAttribute(ResultItem.PROCESSED_AT)
    public Long getProcessedAt() { return processedAt; }
    public void setProcessedAt(Long v) { processedAt = v; }

    @DynamoDbAttribute(ResultItem.TYPE)
    public String getType() { return type; }
    public void setType(String v) { type = v; }

    @DynamoDbAttribute(ResultItem.SITE)
    public String getSite() { return site; }
    public void setSite(String v) { site = v; }

    @DynamoDbAttribute(ResultItem.UNIT)
    public String getUnit() { return unit; }
    public void setUnit(String v) { unit = v; }

    @DynamoDbAttribute(ResultItem.TTL)
    public Long getTtl() { return ttl; }
    public void setTtl(Long v) { ttl = v; }

    @DynamoDbSecondaryPartitionKey(indexNames = ResultItem.ANOMALIES_GSI)
    @DynamoDbAttribute(ResultItem.ANOMALY_DAY)
    public String getAnomalyDay() { return anomalyDay; }
    public void setAnomalyDay(String v) { anomalyDay = v; }
}
