package io.sensorpipe.schema;

import java.util.Objects;

/**
 * Outcome of parsing one raw record: either a valid {@link Reading} or a reject with a reason and a message that
 * names the offending field. Parsing never throws, so a long-running job can route rejects to dead letters.
 */
public final class ParseResult {
    private final Reading reading;
    private final RejectReason reason;
    private final String message;

    private ParseResult(Reading reading, RejectReason reason, String message) {
        this.reading = reading;
        this.reason = reason;
        this.message = message;
    }

    public static ParseResult ok(Reading reading) {
        return new ParseResult(Objects.requireNonNull(reading), null, null);
    }

    public static ParseResult reject(RejectReason reason, String message) {
        return new ParseResult(null, Objects.requireNonNull(reason), Objects.requireNonNull(message));
    }

    public boolean isValid() {
        return reading != null;
    }

    /** The reading; only when {@link #isValid()}. */
    public Reading reading() {
        if (reading == null) {
            throw new IllegalStateException("rejected record has no reading: " + message);
        }
        return reading;
    }

    /** Why it was rejected; null when valid. */
    public RejectReason reason() {
        return reason;
    }

    /** Human-readable reason naming the field, e.g. {@code field 'value' must be a number, got string}. */
    public String message() {
        return message;
    }

    @Override
    public String toString() {
        return isValid() ? "ok(" + reading + ")" : "reject(" + reason + ": " + message + ")";
    }
}
