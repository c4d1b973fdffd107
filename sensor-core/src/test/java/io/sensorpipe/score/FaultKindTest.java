package io.sensorpipe.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class FaultKindTest {
    @Test
    void theRuleNamesKeptInModelSnapshotsNeverChange() {
        // a restored model's previous-window fault is one of these strings: renaming one would change its judgement
        assertThat(Arrays.stream(FaultKind.values()).map(FaultKind::rule).filter(Objects::nonNull))
                .containsExactly("spike", "level jump", "flat", "gap");
        assertThat(WindowStats.FLAT).isEqualTo("flat");
    }

    @Test
    void eachRuleNameMapsBackToItsKind() {
        for (FaultKind k : FaultKind.values()) {
            if (k.rule() != null) {
                assertThat(FaultKind.ofRule(k.rule())).isEqualTo(k);
            }
        }
        assertThat(FaultKind.ofRule(null)).isNull();
        assertThatThrownBy(() -> FaultKind.ofRule("wobble")).hasMessageContaining("wobble");
    }

    @Test
    void aStoredNameOfAnotherReleaseParsesAsUnknownNotAsAnError() {
        assertThat(FaultKind.parse("STUCK_VALUE")).isEqualTo(FaultKind.STUCK_VALUE);
        assertThat(FaultKind.parse("SOMETHING_NEWER")).isNull();
        assertThat(FaultKind.parse(null)).isNull();
    }

    @Test
    void aFaultKindBelongsOnlyToASensorFaultFlag() {
        assertThatThrownBy(() -> new WindowScore(0.9, 0.0, true, null, null, null, Detector.SEASONAL, null,
                FaultKind.SPIKE)).hasMessageContaining("SENSOR_FAULT");
        assertThatThrownBy(() -> new WindowScore(0.1, 0.0, false, null, null, null, Detector.NONE, null,
                FaultKind.SPIKE)).hasMessageContaining("unflagged");
    }
}
