package io.sensorpipe.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class JobDeployerTest {
    @Test
    void theCheckWaitsTheConfiguredTimeWithinWhatIsLeftOfTheInvocationKeepingAMinuteToAnswer() {
        Duration configured = Duration.ofMinutes(8);
        assertThat(JobDeployer.checkTime(configured, 14 * 60_000)).isEqualTo(configured);
        assertThat(JobDeployer.checkTime(configured, 5 * 60_000)).isEqualTo(Duration.ofMinutes(4));
        assertThat(JobDeployer.checkTime(configured, null)).as("no Lambda context").isEqualTo(configured);
    }

    @Test
    void anUpdateWithNoTimeLeftForACheckIsSubmittedAndSaysItWasNotChecked() throws Exception {
        JobController.Deployment d = new JobController.Deployment("s-1", OptionalLong.of(3), false);
        // the controller is not reached: nothing to check within no time
        assertThat(JobDeployer.checkUpdate(null, null, d, JobDeployer.checkTime(Duration.ofMinutes(8), 30_000)))
                .isEqualTo("submitted run s-1 (not checked: no time left for a check)");
    }
}
