package io.sensorpipe.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AlertLogCountsTest {
    @Test
    void countsSentAndSuppressedEventsByReasonAndSkipsEverythingElse() {
        List<String> log = List.of(
                "/usr/bin/java -cp ... io.sensorpipe.alerts.cli.AlertsCli run-local",
                "{\"ts\":\"t\",\"level\":\"INFO\",\"logger\":\"LocalEventSourceRunner\",\"event\":\"shard_opened\"}",
                "{\"ts\":\"t\",\"logger\":\"AlertHandler\",\"event\":\"alert_sent\",\"sensorId\":\"a\",\"windowStart\":1}",
                "{\"ts\":\"t\",\"logger\":\"AlertHandler\",\"event\":\"alert_suppressed\",\"reason\":\"cooldown\",\"sensorId\":\"a\"}",
                "{\"ts\":\"t\",\"logger\":\"AlertHandler\",\"event\":\"alert_suppressed\",\"reason\":\"cooldown\",\"sensorId\":\"a\"}",
                "{\"ts\":\"t\",\"logger\":\"AlertHandler\",\"event\":\"alert_suppressed\",\"reason\":\"duplicate\",\"sensorId\":\"a\"}",
                "{\"ts\":\"t\",\"logger\":\"AlertHandler\",\"event\":\"alert_sent\",\"sens", // cut off mid-write
                "{\"ts\":\"t\",\"logger\":\"AlertHandler\",\"event\":\"batch_done\",\"outcomes\":{\"SENT\":1}}");
        AlertLogCounts c = AlertLogCounts.fromLines(log);
        assertThat(c).isEqualTo(new AlertLogCounts(1, 2, 1));
        assertThat(c.handled()).isEqualTo(4);
    }
}
