package io.sensorpipe.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class JobDeployerTest {
    private static final JobController.Deployment SUBMITTED = new JobController.Deployment("s-1", OptionalLong.of(3), null);

    @Test
    void theCheckWaitsTheConfiguredTimeWithinWhatIsLeftOfTheInvocationKeepingAMinuteToAnswer() {
        Duration configured = Duration.ofMinutes(8);
        assertThat(JobDeployer.checkTime(configured, 14 * 60_000)).isEqualTo(configured);
        assertThat(JobDeployer.checkTime(configured, 5 * 60_000)).isEqualTo(Duration.ofMinutes(4));
        assertThat(JobDeployer.checkTime(configured, null)).as("no Lambda context").isEqualTo(configured);
    }

    @Test
    void anUpdateWithNoTimeLeftForACheckIsSubmittedAndSaysItWasNotChecked() throws Exception {
        // the controller is not reached: nothing to check within no time
        assertThat(JobDeployer.checkUpdate(null, null, SUBMITTED, "UPDATE_IN_PROGRESS",
                JobDeployer.checkTime(Duration.ofMinutes(8), 30_000)))
                .startsWith("submitted run s-1 (not checked: no time left");
    }

    @Test
    void aRollbackOrAStackWhoseStatusCannotBeReadIsSubmittedWithoutACheck() throws Exception {
        assertThat(JobDeployer.isRollback("UPDATE_ROLLBACK_IN_PROGRESS")).isTrue();
        assertThat(JobDeployer.isRollback("UPDATE_IN_PROGRESS")).isFalse();
        assertThat(JobDeployer.checkUpdate(null, null, SUBMITTED, "UPDATE_ROLLBACK_IN_PROGRESS", Duration.ofMinutes(8)))
                .isEqualTo("submitted run s-1 without a check: a rollback (UPDATE_ROLLBACK_IN_PROGRESS)");
        assertThat(JobDeployer.checkUpdate(null, null, SUBMITTED, null, Duration.ofMinutes(8)))
                .isEqualTo("submitted run s-1 without a check: the stack's status could not be read");
    }
}
