package io.sensorpipe.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.Reading;
import io.sensorpipe.source.AnomalyLabel;
import io.sensorpipe.source.Simulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --history}: past readings first (now-history .. now), as fast as the writer takes them, then live. */
class HistoryTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @Test
    void simulatorStartsOneHistoryBeforeTheLiveStart() {
        long liveFrom = 1_764_072_000_000L;
        assertThat(ProducerCommand.simulatorStart(liveFrom, Duration.ofMinutes(35)))
                .isEqualTo(liveFrom - 35 * 60_000L);
        assertThat(ProducerCommand.simulatorStart(liveFrom, null)).isEqualTo(liveFrom);
    }

    @Test
    void historyCoversEverySensorFromNowMinusHistoryToNowThenTheLivePartFollowsUntilItsEventTimeEnd()
            throws Exception {
        int sensors = 4;
        Duration history = Duration.ofMinutes(10);
        // the live start a little in the past, so the live part (2 s) is already due and the test does not wait
        long liveFrom = System.currentTimeMillis() - 10_000;
        long start = ProducerCommand.simulatorStart(liveFrom, history);
        List<AnomalyLabel> labels = new ArrayList<>();
        Simulator sim = new Simulator(Simulator.Settings.forRate(sensors, 3, start, sensors, 0.01), labels::add);
        ProducerRunTest.CollectingWriter writer = new ProducerRunTest.CollectingWriter();

        long t0 = System.nanoTime();
        new ProducerRun(sim::next, writer, new ProducerRun.Limits(null, Duration.ofSeconds(2), 1, liveFrom, 0), QUIET, 0)
                .run();
        long tookMillis = (System.nanoTime() - t0) / 1_000_000;

        List<Reading> written = writer.written;
        List<Reading> past = written.stream().filter(r -> r.ts() < liveFrom).toList();
        List<Reading> live = written.stream().filter(r -> r.ts() >= liveFrom).toList();
        // every sensor, from the start of history (first samples spread over one interval) up to the live start
        assertThat(past.stream().map(Reading::sensorId).distinct()).hasSize(sensors);
        assertThat(past.get(0).ts()).isBetween(start, start + 1_000);
        assertThat(past.get(past.size() - 1).ts()).isBetween(liveFrom - 1_100, liveFrom - 1);
        // one reading per sensor and second of history (sampling jitter +-10 %)
        assertThat(past.size()).isBetween((int) (0.9 * sensors * history.toSeconds()),
                (int) (1.1 * sensors * history.toSeconds()));
        // in event-time order, and the live part is --duration of event time after the live start
        for (int i = 1; i < written.size(); i++) {
            assertThat(written.get(i).ts()).isGreaterThanOrEqualTo(written.get(i - 1).ts());
        }
        assertThat(live).isNotEmpty().allSatisfy(r -> assertThat(r.ts()).isLessThan(liveFrom + 2_000));
        // ten minutes of history are not paced (the whole run took far less than the history it wrote)
        assertThat(tookMillis).isLessThan(history.toMillis() / 2);
        // anomalies are injected and labelled in the history too
        assertThat(labels).anySatisfy(l -> assertThat(l.startTs()).isLessThan(liveFrom));
    }

    @Test
    void historyIsOnlyForTheSimulatorAndMustBePositive() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProducerCommand command = new ProducerCommand(java.util.Map.of("AWS_REGION", "us-east-1"), QUIET,
                new PrintStream(err, true));
        int code = ProducerCommand.commandLine(command).execute("--stream", "s", "--source", "csv", "--csv", ".",
                "--history", "10m");
        assertThat(code).isEqualTo(ProducerCommand.EXIT_CONFIG);
        assertThat(err.toString()).contains("history: only the simulator writes history");
    }
}
