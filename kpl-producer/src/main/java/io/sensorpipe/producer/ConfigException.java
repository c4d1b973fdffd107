package io.sensorpipe.producer;

/** A configuration problem found at start; the message names the bad field (flag or variable). */
public class ConfigException extends RuntimeException {
    private final String field;

    public ConfigException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public ConfigException(String field, String problem, Throwable cause) {
        super(field + ": " + problem, cause);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
