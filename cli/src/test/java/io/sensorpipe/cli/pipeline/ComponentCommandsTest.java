package io.sensorpipe.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorpipe.cli.resources.ResourceNames;
import io.sensorpipe.contract.JobOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The end-of-input marker must be accepted by the job it is meant to flush. */
class ComponentCommandsTest {
    @TempDir
    Path root;

    private LocalPipelineConfig config(Duration window, Duration watermark) throws Exception {
        Files.createDirectories(root.resolve("sensor-core"));
        return new LocalPipelineConfig("r1", ResourceNames.defaults(), Duration.ofMinutes(1), 4, null, window, watermark,
                Duration.ofMinutes(2), Duration.ofSeconds(5), root, root.resolve("runs/r1"), null, false);
    }

    private static Duration skewFlag(List<String> args) {
        int i = args.indexOf(JobOptions.MAX_FUTURE_SKEW);
        assertThat(i).as("streaming args pass --max-future-skew").isGreaterThanOrEqualTo(0);
        String v = args.get(i + 1);
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
    }

    @Test
    void watermarkFlushMarkerStaysWithinTheJobsFutureSkew() throws Exception {
        for (Duration[] wm : new Duration[][] {{Duration.ofSeconds(10), Duration.ofSeconds(5)},
                {Duration.ofSeconds(60), Duration.ofSeconds(30)}, {Duration.ofMinutes(30), Duration.ofMinutes(20)}}) {
            LocalPipelineConfig c = config(wm[0], wm[1]);
            Duration skew = skewFlag(ComponentCommands.streamingArgs(c, c.names(), root.resolve("m.json")));
            Duration lead = ComponentCommands.watermarkFlushLead(c);
            assertThat(lead).as("marker closes the last window").isGreaterThanOrEqualTo(wm[0].plus(wm[1]));
            assertThat(lead).as("marker lead for window %s watermark %s", wm[0], wm[1]).isLessThan(skew);
            assertThat(skew).isLessThanOrEqualTo(Duration.ofHours(1)).isGreaterThanOrEqualTo(Duration.ofSeconds(60));
        }
    }

    @Test
    void theLivePartStartsOnAWindowBoundarySoItsLastWindowIsWhole() throws Exception {
        LocalPipelineConfig c = config(Duration.ofSeconds(5), Duration.ofSeconds(30));
        long now = 1_764_072_003_217L;
        long from = c.liveFrom(now);
        assertThat(from).isEqualTo(1_764_072_000_000L);
        assertThat((from + c.duration().toMillis()) % 5_000).isZero();
        assertThat(c.liveFrom(1_764_072_000_000L)).isEqualTo(1_764_072_000_000L);
    }

    @Test
    void demoRunsTheJobsDefaultDetectorWithHistoryForItsWarmUp() throws Exception {
        LocalPipelineConfig c = config(Duration.ofSeconds(5), Duration.ofSeconds(30));
        assertThat(ComponentCommands.streamingArgs(c, c.names(), root.resolve("m.json")))
                .doesNotContain(JobOptions.WARMUP_WINDOWS);
        int warmup = io.sensorpipe.score.ScorerConfig.defaults().warmupWindows();
        assertThat(c.history()).isGreaterThan(Duration.ofSeconds(5).multipliedBy(warmup))
                .isLessThanOrEqualTo(Duration.ofSeconds(5).multipliedBy(warmup * 2L));
        List<String> producer = ComponentCommands.producerArgs(c, c.names(), root.resolve("p.json"), 1_000_000L);
        assertThat(String.join(" ", producer)).contains("--start 1000000 --history " + c.history().toMillis() + "ms")
                .contains("--seed 42");
    }

    @Test
    void historyIsWrittenOutOfOrderByLessThanTheWatermark() throws Exception {
        LocalPipelineConfig c = config(Duration.ofSeconds(5), Duration.ofSeconds(30));
        // the producer bounds the event time in flight by it (OutstandingBound)
        Duration disorder = ComponentCommands.historyDisorder(c);
        assertThat(disorder).isPositive().isLessThanOrEqualTo(c.watermark().dividedBy(2));
        assertThat(String.join(" ", ComponentCommands.producerArgs(c, c.names(), root.resolve("p.json"), 1L)))
                .contains("--max-disorder " + disorder.toMillis() + "ms");
    }

    @Test
    void smallWindowsKeepTheJobsDefaultSkew() throws Exception {
        LocalPipelineConfig c = config(Duration.ofSeconds(10), Duration.ofSeconds(5));
        assertThat(ComponentCommands.maxFutureSkew(c)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void windowsTooLongForAnyAcceptedMarkerAreRefused() {
        assertThatThrownBy(() -> config(Duration.ofMinutes(50), Duration.ofMinutes(10)))
                .hasMessageContaining("--window plus --watermark");
    }

    @Test
    void everyStreamingFlagIsOneTheJobDefines() throws Exception {
        java.util.Set<Object> jobFlags = new java.util.HashSet<>();
        for (java.lang.reflect.Field f : JobOptions.class.getFields()) {
            jobFlags.add(f.get(null));
        }
        LocalPipelineConfig c = config(Duration.ofSeconds(5), Duration.ofSeconds(2));
        List<String> args = ComponentCommands.streamingArgs(c, c.names(), root.resolve("m.json"));
        List<String> flags = args.stream().filter(a -> a.startsWith("--")).toList();
        assertThat(flags).hasSize(args.size() / 2).allSatisfy(f -> assertThat(jobFlags).contains(f));
        assertThat(ComponentCommands.STREAMING_MAIN).isEqualTo(JobOptions.MAIN_CLASS);
    }
}
