package io.sensorpipe.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.ParseResult;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.ReadingParser;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SimulatorTest {
    private static final long START = 1_764_072_000_000L;

    private record Run(List<Reading> readings, List<AnomalyLabel> labels) {
    }

    private static Run run(long seed, int sensors, int count, double anomalyRate) {
        List<AnomalyLabel> labels = new ArrayList<>();
        Simulator sim = new Simulator(Simulator.Settings.forRate(sensors, seed, START, sensors, anomalyRate), labels::add);
        return new Run(sim.take(count), labels);
    }

    @Test
    void sameSeedGivesTheSameReadingsAndLabels() {
        Run a = run(42, 50, 20_000, 0.01);
        Run b = run(42, 50, 20_000, 0.01);
        assertThat(a.readings()).isEqualTo(b.readings());
        assertThat(a.labels()).isNotEmpty().isEqualTo(b.labels());
    }

    @Test
    void differentSeedGivesDifferentReadings() {
        assertThat(run(1, 10, 1000, 0.01).readings()).isNotEqualTo(run(2, 10, 1000, 0.01).readings());
    }

    @Test
    void readingsComeInEventTimeOrderAndPassTheSchemaValidation() {
        ReadingParser parser = new ReadingParser(() -> START, java.time.Duration.ofDays(1), java.time.Duration.ofDays(30));
        List<Reading> readings = run(7, 25, 5000, 0.01).readings();
        for (int i = 0; i < readings.size(); i++) {
            if (i > 0) {
                assertThat(readings.get(i).ts()).isGreaterThanOrEqualTo(readings.get(i - 1).ts());
            }
            ParseResult parsed = parser.parse(readings.get(i).toJsonBytes());
            assertThat(parsed.isValid()).as(parsed.toString()).isTrue();
            assertThat(parsed.reading()).isEqualTo(readings.get(i));
        }
        assertThat(readings.stream().map(Reading::sensorId).distinct()).hasSize(25);
    }

    @Test
    void allFiveAnomalyKindsAreInjectedAndLabelled() {
        Set<AnomalyKind> kinds = run(3, 20, 20_000, 0.01).labels().stream().map(AnomalyLabel::kind)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(AnomalyKind.class)));
        assertThat(kinds).containsExactlyInAnyOrder(AnomalyKind.values());
    }

    @Test
    void aDropoutLabelCoversASpanWithoutReadingsOfThatSensor() {
        Run r = run(5, 10, 30_000, 0.01);
        AnomalyLabel dropout = r.labels().stream().filter(l -> l.kind() == AnomalyKind.DROPOUT
                && l.endTs() < r.readings().get(r.readings().size() - 1).ts()).findFirst().orElseThrow();
        assertThat(r.readings()).noneMatch(x -> x.sensorId().equals(dropout.sensorId())
                && x.ts() >= dropout.startTs() && x.ts() <= dropout.endTs());
    }

    @Test
    void aStuckValueRepeatsTheSameValue() {
        Run r = run(9, 10, 30_000, 0.01);
        AnomalyLabel stuck = r.labels().stream().filter(l -> l.kind() == AnomalyKind.STUCK_VALUE
                && l.endTs() < r.readings().get(r.readings().size() - 1).ts()).findFirst().orElseThrow();
        List<Double> values = r.readings().stream().filter(x -> x.sensorId().equals(stuck.sensorId())
                && x.ts() > stuck.startTs() && x.ts() <= stuck.endTs()).map(Reading::value).distinct().toList();
        assertThat(values).hasSize(1);
    }

    @Test
    void samplingIsJitteredAroundTheInterval() {
        List<Long> gaps = new ArrayList<>();
        Reading previous = null;
        for (Reading x : run(11, 1, 500, 0).readings()) {
            if (previous != null) {
                gaps.add(x.ts() - previous.ts());
            }
            previous = x;
        }
        assertThat(gaps).allMatch(g -> g >= 900 && g <= 1100);
        assertThat(gaps.stream().distinct().count()).isGreaterThan(50);
    }

    @Test
    void temperatureFollowsADailyCycle() {
        // One temperature sensor sampled every minute for a day: afternoon is warmer than early morning.
        List<Reading> day = new Simulator(new Simulator.Settings(1, 1, START, 60_000, 0), l -> { }).take(1440);
        double afternoon = day.stream().filter(x -> hourOf(x) >= 13 && hourOf(x) < 17).mapToDouble(Reading::value).average().orElseThrow();
        double night = day.stream().filter(x -> hourOf(x) >= 1 && hourOf(x) < 5).mapToDouble(Reading::value).average().orElseThrow();
        assertThat(day.get(0).type()).isEqualTo("temperature");
        assertThat(afternoon - night).isGreaterThan(3);
    }

    private static int hourOf(Reading r) {
        return (int) ((r.ts() % 86_400_000L) / 3_600_000L);
    }
}
