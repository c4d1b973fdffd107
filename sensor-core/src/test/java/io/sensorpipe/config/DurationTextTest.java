package io.sensorpipe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {
    @Test
    void shortFormsAndIsoAreAccepted() {
        assertThat(DurationText.parse("--x", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationText.parse("--x", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationText.parse("--x", "1.5m")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationText.parse("--x", " 2H ")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationText.parse("--x", "1d")).isEqualTo(Duration.ofDays(1));
        assertThat(DurationText.parse("--x", "PT10S")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void anythingElseIsRejectedNamingTheFlag() {
        assertThatThrownBy(() -> DurationText.parse("--window", "2 minutes"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--window").hasMessageContaining("2 minutes");
        assertThatThrownBy(() -> DurationText.parse("--window", null)).hasMessageContaining("--window");
        assertThatThrownBy(() -> DurationText.parse("--window", "PTxS")).hasMessageContaining("--window");
    }
}
