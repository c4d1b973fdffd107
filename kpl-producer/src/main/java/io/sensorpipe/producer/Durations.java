package io.sensorpipe.producer;

import java.time.Duration;
import picocli.CommandLine;

/** Parses durations for flags: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 {@code PT30S}. */
public final class Durations implements CommandLine.ITypeConverter<Duration> {
    public static Duration parse(String text) {
        return io.sensorpipe.config.DurationText.parse("duration", text);
    }

    @Override
    public Duration convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
