package io.sensorpipe.archive.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import picocli.CommandLine;

/** Flag value converters: durations like {@code 90s}, {@code 5m}, {@code 500ms}, {@code PT1H}; instants as ISO-8601 or epoch seconds/ms ({@link io.sensorpipe.config.EpochText}). */
final class CliTypes {

    private CliTypes() {
    }

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parseDuration(value);
        }
    }

    static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            return parseInstant(value);
        }
    }

    static Duration parseDuration(String value) {
        try {
            return io.sensorpipe.config.DurationText.parse("duration", value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    static Instant parseInstant(String value) {
        String v = value.trim();
        java.util.OptionalLong epoch = io.sensorpipe.config.EpochText.typedMillis(v);
        if (epoch.isPresent()) {
            return Instant.ofEpochMilli(epoch.getAsLong());
        }
        try {
            return Instant.parse(v);
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException("'" + value
                    + "' is not an instant (ISO-8601 like 2026-11-25T13:00:00Z, or epoch seconds or milliseconds)");
        }
    }
}
