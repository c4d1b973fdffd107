package io.sensorpipe.cli.query;

import io.sensorpipe.config.EpochText;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A half-open event-time range [from, to) in epoch ms UTC, as the window sort key {@code windowStart} sees it.
 *
 * <p>Bounds are parsed from what a user types: {@code now}, a relative offset ({@code -15m}, {@code -2h},
 * {@code -1d}), an ISO instant ({@code 2026-11-25T13:00:00Z}), an ISO date ({@code 2026-11-25} = midnight UTC)
 * or epoch seconds or milliseconds ({@link EpochText}).
 */
public record TimeRange(long fromMillis, long toMillis) {
    /** Longest range split into per-day GSI queries; guards against a typo asking for 50 years of queries. */
    public static final int MAX_DAYS = 400;

    private static final Pattern RELATIVE = Pattern.compile("-(\\d+)\\s*(ms|s|m|h|d)");

    public TimeRange {
        if (fromMillis >= toMillis) {
            throw new IllegalArgumentException("time range is empty: from " + Instant.ofEpochMilli(fromMillis)
                    + " is not before to " + Instant.ofEpochMilli(toMillis));
        }
    }

    /** Parses {@code from}/{@code to} relative to {@code now}; names the bad field in the error. */
    public static TimeRange parse(String from, String to, Instant now) {
        long f = parseBound("from", from, now);
        long t = parseBound("to", to, now);
        if (f >= t) {
            throw new IllegalArgumentException("--from (" + from + ") must be before --to (" + to + ")");
        }
        return new TimeRange(f, t);
    }

    /** The last {@code duration} up to {@code now}. */
    public static TimeRange last(Duration duration, Instant now) {
        return new TimeRange(now.toEpochMilli() - duration.toMillis(), now.toEpochMilli());
    }

    static long parseBound(String field, String text, Instant now) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("--" + field + " is empty");
        }
        if (s.equals("now")) {
            return now.toEpochMilli();
        }
        Matcher rel = RELATIVE.matcher(s);
        if (rel.matches()) {
            return now.toEpochMilli() - toMillis(Long.parseLong(rel.group(1)), rel.group(2));
        }
        java.util.OptionalLong epoch = EpochText.typedMillis(s);
        if (epoch.isPresent()) { // `date +%s` prints seconds: read by size, as every sensorpipe command does
            return epoch.getAsLong();
        }
        try {
            return Instant.parse(text.trim()).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
            try {
                return LocalDate.parse(text.trim()).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            } catch (DateTimeParseException notDate) {
                throw new IllegalArgumentException("--" + field + " '" + text + "' is not now, -15m/-2h/-1d, an ISO"
                        + " instant (2026-11-25T13:00:00Z), an ISO date (2026-11-25) or epoch seconds or milliseconds");
            }
        }
    }

    /** Parses {@code 90s}, {@code 2m}, {@code 1h}, {@code 500ms}, {@code 1d}. */
    public static Duration parseDuration(String field, String text) {
        return io.sensorpipe.config.DurationText.parse(field, text);
    }

    private static long toMillis(long amount, String unit) {
        return switch (unit) {
            case "ms" -> amount;
            case "s" -> Duration.ofSeconds(amount).toMillis();
            case "m" -> Duration.ofMinutes(amount).toMillis();
            case "h" -> Duration.ofHours(amount).toMillis();
            case "d" -> Duration.ofDays(amount).toMillis();
            default -> throw new IllegalArgumentException("unit " + unit);
        };
    }

    /** One UTC day of the range: the GSI partition {@code day} and the part of the range inside it. */
    public record DaySlice(String day, long fromMillis, long toMillis) {
    }

    /**
     * Splits the range at UTC midnights: the anomalies GSI is partitioned by day, so each slice is one Query
     * ({@code anomalyDay = day AND windowStart BETWEEN from AND to-1}). Slices are in time order.
     */
    public List<DaySlice> utcDays() {
        LocalDate first = Instant.ofEpochMilli(fromMillis).atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate last = Instant.ofEpochMilli(toMillis - 1).atZone(ZoneOffset.UTC).toLocalDate();
        long days = last.toEpochDay() - first.toEpochDay() + 1;
        if (days > MAX_DAYS) {
            throw new IllegalArgumentException("time range spans " + days + " days; at most " + MAX_DAYS
                    + " are queried (one GSI query per day)");
        }
        List<DaySlice> slices = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            long dayStart = d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            long dayEnd = d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            slices.add(new DaySlice(d.toString(), Math.max(fromMillis, dayStart), Math.min(toMillis, dayEnd)));
        }
        return slices;
    }
}
