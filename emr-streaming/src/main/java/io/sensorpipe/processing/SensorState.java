package io.sensorpipe.processing;

import java.io.Serializable;

/**
 * Per-sensor state kept in Spark's state store (a Spark bean): the open windows (Java-serialised
 * {@code SensorWindowState}), the scorer snapshot and the descriptive fields copied onto each result.
 */
public class SensorState implements Serializable {
    private byte[] windows;
    private byte[] scorer;
    private String type;
    private String site;
    private String unit;
    private long lastEventTs;
    private long scorerToken;

    public byte[] getWindows() { return windows; }
    public void setWindows(byte[] v) { windows = v; }
    public byte[] getScorer() { return scorer; }
    public void setScorer(byte[] v) { scorer = v; }
    public String getType() { return type; }
    public void setType(String v) { type = v; }
    public String getSite() { return site; }
    public void setSite(String v) { site = v; }
    public String getUnit() { return unit; }
    public void setUnit(String v) { unit = v; }
    public long getScorerToken() { return scorerToken; }
    public void setScorerToken(long v) { scorerToken = v; }
    public long getLastEventTs() { return lastEventTs; }
    public void setLastEventTs(long v) { lastEventTs = v; }
}
