package io.sensorpipe.config;

import java.util.OptionalLong;

/**
 * The one way a whole-number time a user types or a file holds is read: epoch seconds or milliseconds, told apart by
 * size. {@code date +%s} prints seconds, most programs log milliseconds, and reading one as the other lands in
 * 1970 or in the year 55,000 without an error. (The wire format's {@code ts} is milliseconds only, and the job says
 * so when it sees seconds.)
 */
public final class EpochText {
    /** 10^11: as milliseconds March 1973, as seconds the year 5138; below it is seconds, from it milliseconds. */
    public static final long SECONDS_BELOW = 100_000_000_000L;

    private EpochText() {
    }

    /**
     * {@link #millis} for a time typed on a command line ({@code --from}, {@code --to}): at least 9 digits (1973 as
     * seconds), since a shorter number there ("2026", "20261125") is a date mistyped, not a time in 1970.
     */
    public static OptionalLong typedMillis(String text) {
        String t = text == null ? "" : text.strip();
        return t.length() >= 9 ? millis(t) : OptionalLong.empty();
    }

    /** Epoch milliseconds of 1–18 ASCII digits (surrounding blanks ignored), or empty when the text is not that. */
    public static OptionalLong millis(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty() || t.length() > 18) { // more digits than a long holds is no time either
            return OptionalLong.empty();
        }
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                return OptionalLong.empty();
            }
        }
        long n = Long.parseLong(t);
        return OptionalLong.of(n < SECONDS_BELOW ? n * 1000L : n);
    }
}
