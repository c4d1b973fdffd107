package io.sensorpipe.score;

/**
 * Which clear fault a {@link Detector#SENSOR_FAULT} flag found, stored with the result ({@code fault}) so an alert and
 * {@code scripts/query anomalies} say what is wrong with the sensor, not only that something is.
 */
public enum FaultKind {
    /** One reading far from the others in its window. */
    SPIKE("spike", "one reading far from the others in the window"),
    /** The window mean moved far from the windows just before it. */
    LEVEL_JUMP("level jump", "the level moved far from the windows just before"),
    /** Three or more readings, all equal, from a sensor that rarely repeats itself. */
    STUCK_VALUE("flat", "a stuck sensor repeating one value"),
    /** Whole windows without a reading before this one: the sensor is back after a dropout. */
    GAP("gap", "back after whole windows without a reading"),
    /** No reading for whole windows while the stream's event time went on: the sensor is silent now. */
    SILENT(null, "no readings: the sensor went silent");

    private final String rule;
    private final String description;

    FaultKind(String rule, String description) {
        this.rule = rule;
        this.description = description;
    }

    /**
     * The name {@link WindowStats#fault} gives this fault inside a model, kept in model snapshots (so it never
     * changes); null for {@link #SILENT}, which the streaming job judges while no window closes.
     */
    String rule() {
        return rule;
    }

    /** One line for people: what the sensor did. */
    public String description() {
        return description;
    }

    /** The kind for a {@link WindowStats#fault} name; null for null. */
    static FaultKind ofRule(String rule) {
        if (rule == null) {
            return null;
        }
        for (FaultKind k : values()) {
            if (rule.equals(k.rule)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown fault rule \"" + rule + "\"");
    }

    /** The kind stored under {@code name} ({@link #name()}), or null when absent or not a kind this release knows. */
    public static FaultKind parse(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
