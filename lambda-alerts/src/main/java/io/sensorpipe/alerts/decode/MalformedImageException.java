package io.sensorpipe.alerts.decode;

/** A stream image that is not a valid results-table item; the message names the attribute at fault. */
public final class MalformedImageException extends Exception {
    private final String attribute;

    public MalformedImageException(String attribute, String problem) {
        super("attribute '" + attribute + "': " + problem);
        this.attribute = attribute;
    }

    public String attribute() {
        return attribute;
    }
}
