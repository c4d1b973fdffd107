package io.sensorpipe.alerts.message;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class SeverityTest {

    @ParameterizedTest(name = "score {0}, grade {1} -> {2}")
    @CsvSource({
            "0.00, 0.00, LOW",
            "0.49, 0.10, LOW",
            "0.50, 0.00, MEDIUM",
            "0.10, 0.50, MEDIUM",
            "0.749, 0.0, MEDIUM",
            "0.75, 0.00, HIGH",
            "0.20, 0.80, HIGH",
            "0.899, 0.899, HIGH",
            "0.90, 0.00, CRITICAL",
            "0.30, 0.95, CRITICAL",
            "1.00, 1.00, CRITICAL",
    })
    void severityFollowsTheStrongerOfScoreAndGradeAgainstDocumentedThresholds(double score, double grade, Severity expected) {
        assertThat(Severity.of(score, grade)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"MEDIUM, 0.50", "HIGH, 0.75", "CRITICAL, 0.90"})
    void eachLevelStartsExactlyAtItsThreshold(Severity level, double threshold) {
        assertThat(level.threshold()).isEqualTo(threshold);
        assertThat(Severity.of(threshold, 0)).isEqualTo(level);
        assertThat(Severity.of(Math.nextDown(threshold), 0)).isNotEqualTo(level);
    }
}
