package io.sensorpipe.archive.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Flag value converters: durations like {@code 90s}, {@code 5m}, {@code 500ms}, {@code PT1H}; instants as ISO-8601 or epoch ms. */
final class CliTypes {
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

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
        String v = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT_DURATION.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 90s, 5m, 500ms, PT1H)");
        }
    }

    static Instant parseInstant(String value) {
        String v = value.trim();
        if (v.matches("\\d{10,}")) {
            return Instant.ofEpochMilli(Long.parseLong(v));
        }
        try {
            return Instant.parse(v);
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException("'" + value
                    + "' is not an instant (ISO-8601 like 2026-11-25T13:00:00Z, or epoch milliseconds)");
        }
    }
}
