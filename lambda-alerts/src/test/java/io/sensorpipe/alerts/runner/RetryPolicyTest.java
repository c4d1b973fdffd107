package io.sensorpipe.alerts.runner;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    @Test
    void backoffDoublesPerRetryAndIsCappedAtTheMaximum() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(350), Duration.ofSeconds(60));

        assertThat(policy.backoffBefore(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoffBefore(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoffBefore(3)).isEqualTo(Duration.ofMillis(350));
        assertThat(policy.backoffBefore(500)).isEqualTo(Duration.ofMillis(350));
    }

    @Test
    void maximumBackoffBelowTheInitialOneIsRejectedNamingTheField() {
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(60)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBackoff");
    }

    @Test
    void runnerSettingsRejectANegativeRetryBackoffNamingTheField() {
        assertThatThrownBy(() -> RunnerSettings.defaults("arn:aws:dynamodb:stream")
                .withRetryBackoff(Duration.ofMillis(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryBackoff");
    }
}
