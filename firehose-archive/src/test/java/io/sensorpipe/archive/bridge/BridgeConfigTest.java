package io.sensorpipe.archive.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {
    private final BridgeConfig ok = BridgeConfig.defaults("readings", "archive-bucket");

    @Test
    void defaultsMirrorFirehoseExceptAShorterInterval() {
        assertThat(ok.bufferSizeBytes()).isEqualTo(5L * 1024 * 1024);
        assertThat(ok.bufferInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(ok.applicationName()).isEqualTo("sensorpipe-archive-readings");
        assertThat(ok.fromTrimHorizon()).isTrue();
    }

    @Test
    void bufferingOutsideFirehoseLimitsIsRejectedNamingTheField() {
        assertThatThrownBy(() -> ok.withBuffering(5L * 1024 * 1024, Duration.ofSeconds(901)))
                .hasMessageContaining("bufferInterval");
        assertThatThrownBy(() -> ok.withBuffering(5L * 1024 * 1024, Duration.ZERO)).hasMessageContaining("bufferInterval");
        assertThatThrownBy(() -> ok.withBuffering(129L * 1024 * 1024, Duration.ofSeconds(60))).hasMessageContaining("bufferSizeBytes");
    }

    @Test
    void missingStreamOrBucketIsNamed() {
        assertThatThrownBy(() -> BridgeConfig.defaults(" ", "b")).hasMessageContaining("streamName");
        assertThatThrownBy(() -> BridgeConfig.defaults("s", null)).hasMessageContaining("bucket");
    }
}
