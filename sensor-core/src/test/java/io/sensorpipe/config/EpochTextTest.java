package io.sensorpipe.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class EpochTextTest {
    @Test
    void wholeNumbersBelowTenToTheElevenAreSecondsAndTheRestMilliseconds() {
        assertThat(EpochText.millis("1700000000")).as("date +%s").hasValue(1_700_000_000_000L);
        assertThat(EpochText.millis(" 1700000000000 ")).hasValue(1_700_000_000_000L);
        assertThat(EpochText.millis("99999999999")).as("the year 5138 in seconds").hasValue(99_999_999_999_000L);
        assertThat(EpochText.millis("100000000000")).as("March 1973 in milliseconds").hasValue(100_000_000_000L);
        assertThat(EpochText.millis("0")).hasValue(0L);
    }

    @Test
    void aTypedTimeNeedsNineDigitsSoAMistypedDateIsNotReadAs1970() {
        assertThat(EpochText.typedMillis("1764072000")).hasValue(1_764_072_000_000L);
        assertThat(EpochText.typedMillis("100000000")).as("9 digits: 1973 as seconds").hasValue(100_000_000_000L);
        assertThat(EpochText.typedMillis("20261125")).isEmpty();
        assertThat(EpochText.typedMillis("2026")).isEmpty();
    }

    @Test
    void anythingButOneToEighteenDigitsIsNotAnEpochTime() {
        for (String text : new String[] {"", " ", "-1", "1.5", "1e9", "2026-11-25", "1234567890123456789", "١٢٣"}) {
            assertThat(EpochText.millis(text)).as(text).isEqualTo(OptionalLong.empty());
        }
        assertThat(EpochText.millis(null)).isEmpty();
    }
}
