package io.sensorpipe.alerts.cli;

import io.sensorpipe.config.DurationText;
import java.time.Duration;
import picocli.CommandLine;

/**
 * {@code --duration} as every sensorpipe command reads it ({@code 90s}, {@code 5m}, {@code PT1H}), and a bare number as
 * seconds: these commands took seconds first, and scripts written then keep working.
 */
final class RunDuration implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value == null ? "" : value.strip();
        if (!v.isEmpty() && v.length() <= 12 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            return DurationText.parse("--duration", v);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
