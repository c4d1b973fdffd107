package io.sensorpipe.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way every sensorpipe command reads a duration flag: {@code 250ms}, {@code 30s}, {@code 1.5m},
 * {@code 2h}, {@code 1d}, or ISO-8601 ({@code PT30S}). Errors name the flag.
 */
public final class DurationText {
    private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

    private DurationText() {
    }

    /**
     * @param field the flag or setting being read, used in the error message (e.g. {@code --window})
     * @throws IllegalArgumentException naming {@code field} when {@code text} is not a duration
     */
    public static Duration parse(String field, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            long unitMillis = switch (m.group(2)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L;
            };
            return Duration.ofMillis(Math.round(amount * unitMillis));
        }
        if (t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (RuntimeException ignored) {
                // falls through to the error that names the field
            }
        }
        throw new IllegalArgumentException(field + " '" + text + "' is not a duration like 500ms, 30s, 5m, 2h or PT10S");
    }
}
