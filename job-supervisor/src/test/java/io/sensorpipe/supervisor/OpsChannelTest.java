package io.sensorpipe.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorpipe.contract.MetricNames;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OpsChannelTest {
    @Test
    void restartMetricIsAnEmbeddedMetricFormatLineInTheJobNamespaceWithTheStreamDimension() throws Exception {
        JsonNode line = new ObjectMapper().readTree(OpsChannel.emf("Sensorpipe", "plant7-readings", MetricNames.JOB_RESTARTS, 1_000L));
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("Sensorpipe");
        assertThat(directive.path("Dimensions").get(0).get(0).asText()).isEqualTo(MetricNames.STREAM_DIMENSION);
        assertThat(directive.path("Metrics").get(0).path("Name").asText()).isEqualTo(MetricNames.JOB_RESTARTS);
        assertThat(line.path(MetricNames.STREAM_DIMENSION).asText()).isEqualTo("plant7-readings");
        assertThat(line.path(MetricNames.JOB_RESTARTS).asInt()).isEqualTo(1);
    }

    @Test
    void onlyMetricNamesFromTheSharedContractArePublished() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OpsChannel channel = new OpsChannel(null, "arn", new PrintStream(out, true, StandardCharsets.UTF_8), "Sensorpipe", "s");
        channel.count(MetricNames.JOB_RESTARTS_EXHAUSTED);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"" + MetricNames.JOB_RESTARTS_EXHAUSTED + "\":1");
        assertThatThrownBy(() -> channel.count("JobRestart")).hasMessageContaining("MetricNames");
    }
}
