package io.sensorpipe.cli.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeRangeTest {
    private static final Instant NOW = Instant.parse("2026-11-25T13:30:00Z");

    @Test
    void boundsAcceptRelativeIsoInstantIsoDateAndEpochMillis() {
        assertThat(TimeRange.parseBound("from", "now", NOW)).isEqualTo(NOW.toEpochMilli());
        assertThat(TimeRange.parseBound("from", "-15m", NOW)).isEqualTo(NOW.minusSeconds(900).toEpochMilli());
        assertThat(TimeRange.parseBound("from", "-2h", NOW)).isEqualTo(NOW.minusSeconds(7200).toEpochMilli());
        assertThat(TimeRange.parseBound("from", "-1d", NOW)).isEqualTo(NOW.minus(Duration.ofDays(1)).toEpochMilli());
        assertThat(TimeRange.parseBound("from", "2026-11-25T13:00:00Z", NOW))
                .isEqualTo(Instant.parse("2026-11-25T13:00:00Z").toEpochMilli());
        assertThat(TimeRange.parseBound("from", "2026-11-24", NOW))
                .isEqualTo(Instant.parse("2026-11-24T00:00:00Z").toEpochMilli());
        assertThat(TimeRange.parseBound("from", "1764072000123", NOW)).isEqualTo(1764072000123L);
        assertThat(TimeRange.parseBound("from", "1764072000", NOW)).as("date +%s: seconds").isEqualTo(1764072000000L);
        assertThatThrownBy(() -> TimeRange.parseBound("from", "20261125", NOW)).as("a date without dashes, not 1970")
                .hasMessageContaining("epoch seconds or milliseconds");
    }

    @Test
    void unparsableBoundNamesTheFlag() {
        assertThatThrownBy(() -> TimeRange.parse("yesterday", "now", NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--from 'yesterday'");
        assertThatThrownBy(() -> TimeRange.parse("-1h", "soon", NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--to 'soon'");
    }

    @Test
    void fromNotBeforeToIsRejected() {
        assertThatThrownBy(() -> TimeRange.parse("now", "-1h", NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be before --to");
    }

    @Test
    void rangeWithinOneDayIsOneSlice() {
        TimeRange r = TimeRange.parse("2026-11-25T01:00:00Z", "2026-11-25T02:00:00Z", NOW);
        assertThat(r.utcDays()).containsExactly(new TimeRange.DaySlice("2026-11-25", r.fromMillis(), r.toMillis()));
    }

    @Test
    void rangeAcrossMidnightsIsSplitAtEachUtcMidnight() {
        TimeRange r = TimeRange.parse("2026-11-23T22:00:00Z", "2026-11-25T03:00:00Z", NOW);
        long midnight24 = Instant.parse("2026-11-24T00:00:00Z").toEpochMilli();
        long midnight25 = Instant.parse("2026-11-25T00:00:00Z").toEpochMilli();
        assertThat(r.utcDays()).containsExactly(
                new TimeRange.DaySlice("2026-11-23", r.fromMillis(), midnight24),
                new TimeRange.DaySlice("2026-11-24", midnight24, midnight25),
                new TimeRange.DaySlice("2026-11-25", midnight25, r.toMillis()));
    }

    @Test
    void rangeEndingExactlyAtMidnightDoesNotQueryTheNextDay() {
        TimeRange r = TimeRange.parse("2026-11-24T10:00:00Z", "2026-11-25", NOW);
        assertThat(r.utcDays()).extracting(TimeRange.DaySlice::day).containsExactly("2026-11-24");
    }

    @Test
    void absurdlyLongRangeIsRefusedInsteadOfIssuingThousandsOfQueries() {
        TimeRange r = TimeRange.parse("2000-01-01", "2026-01-01", NOW);
        assertThatThrownBy(r::utcDays).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("days");
    }

    @Test
    void durationsParseWithUnits() {
        assertThat(TimeRange.parseDuration("--duration", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(TimeRange.parseDuration("--duration", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(TimeRange.parseDuration("--duration", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> TimeRange.parseDuration("--duration", "2 minutes"))
                .hasMessageContaining("--duration '2 minutes'");
    }
}
