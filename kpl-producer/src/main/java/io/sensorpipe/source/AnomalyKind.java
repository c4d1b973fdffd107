package io.sensorpipe.source;

/** Anomalies the simulator injects (and labels). */
public enum AnomalyKind {
    /** One sample far off the normal value. */
    SPIKE,
    /** The level moves by a constant offset for a while. */
    LEVEL_SHIFT,
    /** The sensor repeats its last value (no noise) for a while. */
    STUCK_VALUE,
    /** The sensor sends nothing for a while. */
    DROPOUT,
    /** The noise grows several times for a while. */
    NOISE_BURST
}
