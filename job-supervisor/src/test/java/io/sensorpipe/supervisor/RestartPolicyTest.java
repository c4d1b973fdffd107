package io.sensorpipe.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
    private static final Instant T0 = Instant.parse("2026-12-03T00:00:00Z");
    private final RestartPolicy policy = new RestartPolicy(3, Duration.ofSeconds(30), Duration.ofSeconds(100), Duration.ofHours(6));

    @Test
    void backoffDoublesUpToTheMaximum() {
        assertThat(policy.decide(0, null, T0).delay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.decide(1, T0, T0.plusSeconds(60)).delay()).isEqualTo(Duration.ofSeconds(60));
        assertThat(policy.decide(2, T0, T0.plusSeconds(120)).delay()).isEqualTo(Duration.ofSeconds(100));
    }

    @Test
    void givesUpAtTheCapWithinTheWindow() {
        RestartPolicy.Decision third = policy.decide(2, T0, T0.plusSeconds(600));
        assertThat(third.restart()).isTrue();
        assertThat(third.attempt()).isEqualTo(3);
        RestartPolicy.Decision fourth = policy.decide(3, T0, T0.plusSeconds(700));
        assertThat(fourth.restart()).isFalse();
        assertThat(fourth.attempt()).isEqualTo(3);
        assertThat(fourth.streakFrom()).isEqualTo(T0);
    }

    @Test
    void aJobThatStayedUpForAWindowStartsAFreshStreak() {
        RestartPolicy.Decision decision = policy.decide(3, T0, T0.plus(Duration.ofHours(6)));
        assertThat(decision.restart()).isTrue();
        assertThat(decision.attempt()).isEqualTo(1);
        assertThat(decision.delay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(decision.streakFrom()).isEqualTo(T0.plus(Duration.ofHours(6)));
    }

    @Test
    void zeroRestartsMeansNeverRestart() {
        assertThat(new RestartPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ofHours(1)).decide(0, null, T0).restart()).isFalse();
    }

    @Test
    void badSettingsAreRefusedWithTheirValues() {
        assertThatThrownBy(() -> new RestartPolicy(-1, Duration.ZERO, Duration.ZERO, Duration.ofHours(1)))
                .hasMessageContaining("maxRestarts");
        assertThatThrownBy(() -> new RestartPolicy(1, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofHours(1)))
                .hasMessageContaining("baseDelay");
    }

    @Test
    void specRoundTripsThroughTheStateItemJson() {
        JobSpec spec = new JobSpec(JobSpec.Platform.EMR_SERVERLESS, "app1", "job", java.util.List.of("--stream", "s"),
                "s3://b/j.jar", "--class X", "arn:aws:iam::1:role/r", "s3://logs/", "s3://b/checkpoints.stop");
        assertThat(JobStateStore.readSpec(JobStateStore.writeSpec(spec))).isEqualTo(spec);
    }

    @Test
    void deployerReadsItsSpecFromTheResourceProperties() {
        JobSpec spec = JobDeployer.specFrom(java.util.Map.of("Platform", "EMR_EC2", "Target", "j-1", "Name", "job",
                "Args", java.util.List.of("spark-submit", "--class", "X"), "StopMarker", "s3://b/checkpoints.stop"));
        assertThat(spec.args()).containsExactly("spark-submit", "--class", "X");
        assertThatThrownBy(() -> JobDeployer.specFrom(java.util.Map.of("Platform", "EMR_EC2", "Name", "job",
                "Args", java.util.List.of(), "StopMarker", "s3://b/checkpoints.stop")))
                .hasMessageContaining("target");
    }
}
