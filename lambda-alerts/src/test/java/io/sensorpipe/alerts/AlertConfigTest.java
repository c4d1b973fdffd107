package io.sensorpipe.alerts;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlertConfigTest {
    private static Map<String, String> validEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("ALERT_TOPIC_ARN", "arn:aws:sns:us-east-1:000000000000:sensorpipe-alerts");
        env.put("ALERT_STATE_TABLE", "sensorpipe-alert-state");
        return env;
    }

    @Test
    void defaultsApplyWhenOnlyTheRequiredVariablesAreSet() {
        AlertConfig config = AlertConfig.fromEnv(validEnv());

        assertThat(config.cooldown()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.claimLease()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.historyMargin()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void everyVariableIsRead() {
        Map<String, String> env = validEnv();
        env.put("ALERT_COOLDOWN_SECONDS", " 30 ");
        env.put("ALERT_CLAIM_LEASE_SECONDS", "5");
        env.put("ALERT_HISTORY_MINUTES", "0");

        AlertConfig config = AlertConfig.fromEnv(env);

        assertThat(config.cooldown()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.claimLease()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.historyMargin()).isZero();
    }

    @Test
    void missingOrBadVariablesAreNamed() {
        Map<String, String> noTopic = validEnv();
        noTopic.remove("ALERT_TOPIC_ARN");
        Map<String, String> badTable = validEnv();
        badTable.put("ALERT_STATE_TABLE", "a b");
        Map<String, String> badCooldown = validEnv();
        badCooldown.put("ALERT_COOLDOWN_SECONDS", "15m");
        Map<String, String> negativeCooldown = validEnv();
        negativeCooldown.put("ALERT_COOLDOWN_SECONDS", "-1");
        Map<String, String> zeroLease = validEnv();
        zeroLease.put("ALERT_CLAIM_LEASE_SECONDS", "0");

        assertThatThrownBy(() -> AlertConfig.fromEnv(noTopic)).hasMessageContaining("ALERT_TOPIC_ARN");
        assertThatThrownBy(() -> AlertConfig.fromEnv(badTable)).hasMessageContaining("ALERT_STATE_TABLE");
        assertThatThrownBy(() -> AlertConfig.fromEnv(badCooldown)).hasMessageContaining("ALERT_COOLDOWN_SECONDS").hasMessageContaining("15m");
        assertThatThrownBy(() -> AlertConfig.fromEnv(negativeCooldown)).hasMessageContaining("ALERT_COOLDOWN_SECONDS");
        assertThatThrownBy(() -> AlertConfig.fromEnv(zeroLease)).hasMessageContaining("ALERT_CLAIM_LEASE_SECONDS");
    }
}
