package io.sensorpipe.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** What a user sees when the dashboard cannot start (the page itself is DashboardIT's). */
class DashboardServerTest {
    @Test
    void aPortInUseIsAOneLineErrorNamingTheWayOut() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            DashboardConfig config = new DashboardConfig(taken.getLocalPort(), "results", "alerts", 10, 1_000, 60_000);
            // an IllegalArgumentException is what the CLI prints as "error: ..." (SensorpipeCli)
            assertThatThrownBy(() -> new DashboardServer(null, config)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort()).hasMessageContaining("--port 0");
        }
    }
}
