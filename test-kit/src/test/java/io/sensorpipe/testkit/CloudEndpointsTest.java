package io.sensorpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorpipe.testkit.CloudEndpoints.LocalCloudUnavailable;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudEndpointsTest {
    @Test
    void aMissingEndpointIsRefusedBecauseTheSdkWouldGoToRealAws() {
        assertThatThrownBy(() -> new CloudEndpoints(Map.of("AWS_REGION", "us-east-1")).requireLocal())
                .isInstanceOf(LocalCloudUnavailable.class)
                .hasMessageStartingWith("AWS_ENDPOINT_URL is not set, so the tests would create resources in real AWS")
                .hasMessageContaining("local-cloud.sh");
    }

    @Test
    void anyNonLoopbackEndpointIsRefusedUnlessAllowed() {
        Map<String, String> vars = Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
                "AWS_ENDPOINT_URL_KINESIS", "https://kinesis.us-east-1.amazonaws.com");
        assertThatThrownBy(() -> new CloudEndpoints(vars).requireLocal())
                .hasMessageStartingWith("AWS_ENDPOINT_URL_KINESIS=https://kinesis.us-east-1.amazonaws.com is not this machine");

        Map<String, String> allowed = new java.util.HashMap<>(vars);
        allowed.put(CloudEndpoints.ALLOW_REMOTE, "true");
        new CloudEndpoints(allowed).requireLocal(); // no exception
        assertThat(new CloudEndpoints(allowed).endpoint("KINESIS").getHost()).isEqualTo("kinesis.us-east-1.amazonaws.com");
        assertThat(new CloudEndpoints(allowed).endpoint("S3").getPort()).isEqualTo(4566);
    }

    @Test
    void extraVariablesMustBeSetAndLocal() {
        CloudEndpoints e = new CloudEndpoints(Map.of("AWS_ENDPOINT_URL", "http://localhost:4566",
                "SENSORPIPE_KPL_KINESIS_ENDPOINT", "https://10.0.0.5:4567"));
        assertThatThrownBy(() -> e.requireLocal("SENSORPIPE_KPL_KINESIS_ENDPOINT"))
                .hasMessageStartingWith("SENSORPIPE_KPL_KINESIS_ENDPOINT=https://10.0.0.5:4567 is not this machine");
        assertThatThrownBy(() -> e.requireLocal("SENSORPIPE_KPL_STS_ENDPOINT"))
                .hasMessageStartingWith("SENSORPIPE_KPL_STS_ENDPOINT is not set");
    }

    @Test
    void loopbackMeansThisMachineOnlyWithoutResolvingNames() {
        assertThat(CloudEndpoints.isLoopback("http://127.0.0.1:4566")).isTrue();
        assertThat(CloudEndpoints.isLoopback("http://127.1.2.3:1")).isTrue();
        assertThat(CloudEndpoints.isLoopback("http://localhost:4566")).isTrue();
        assertThat(CloudEndpoints.isLoopback("http://[::1]:4566")).isTrue();
        assertThat(CloudEndpoints.isLoopback("http://192.168.1.4:4566")).isFalse();
        assertThat(CloudEndpoints.isLoopback("http://localhost.example.com:4566")).isFalse();
        assertThat(CloudEndpoints.isLoopback("not a url")).isFalse();
    }

    @Test
    void aCloudThatIsNotRunningFailsWithOneLineNamingTheFix() throws Exception {
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        CloudEndpoints e = new CloudEndpoints(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:" + freePort));
        assertThatThrownBy(() -> TestCloud.connect(e))
                .isInstanceOf(LocalCloudUnavailable.class)
                .hasMessage("the local cloud is not running: nothing answers at http://127.0.0.1:" + freePort
                        + " (AWS_ENDPOINT_URL); " + CloudEndpoints.HOW_TO_START)
                .satisfies(t -> assertThat(t.getStackTrace()).isEmpty());
    }
}
