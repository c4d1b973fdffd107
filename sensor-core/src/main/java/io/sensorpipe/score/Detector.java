package io.sensorpipe.score;

/** Which part of the detector made a window's score (stored with each result so an alert can say why). */
public enum Detector {
    /** Not anomalous (or not scored). */
    NONE,
    /** The forest's score, calibrated by its anomaly likelihood, was unusually high for this sensor. */
    FOREST_LIKELIHOOD,
    /** The window mean was far from this hour-of-week's usual value, judged by the seasonal residual's likelihood. */
    SEASONAL,
    /** The spread or number of readings in the window was unusual (noise burst, stuck sensor, missing readings). */
    WINDOW_STATS,
    /** The window mean lay beyond every value the sensor has shown so far (plus a tolerance). */
    RANGE_NOVELTY,
    /**
     * A clear sensor fault in this one window, no averaging needed (a spike, a level jump, a stuck sensor's flat
     * window, a gap of missing windows); only for sensors that send several readings per window.
     */
    SENSOR_FAULT
}
