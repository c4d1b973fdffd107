package io.sensorpipe.window;

/** A window whose end passed the watermark: its aggregate is final and it is ready to be scored. */
public record ClosedWindow(String sensorId, long windowStart, long windowEnd, WindowAggregate aggregate)
        implements java.io.Serializable {
}
