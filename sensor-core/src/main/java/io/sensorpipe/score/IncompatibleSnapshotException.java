package io.sensorpipe.score;

/**
 * A snapshot that this configuration cannot restore: written by another model configuration or snapshot format, or
 * not a scorer snapshot at all. Callers holding state from an older deployment catch it and start the sensor's model
 * afresh.
 */
public final class IncompatibleSnapshotException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String stored;
    private final String expected;

    public IncompatibleSnapshotException(String stored, String expected, Throwable cause) {
        super("incompatible scorer snapshot: stored " + stored + ", expected " + expected
                + " (start this sensor's model afresh)", cause);
        this.stored = stored;
        this.expected = expected;
    }

    /** What the snapshot says it is (format and model version), or why it could not be read. */
    public String stored() {
        return stored;
    }

    /** The format and model version this configuration restores. */
    public String expected() {
        return expected;
    }
}
