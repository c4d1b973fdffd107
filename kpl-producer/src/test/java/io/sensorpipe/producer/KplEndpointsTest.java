package io.sensorpipe.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KplEndpointsTest {

    private static final Map<String, String> LOCAL_CLOUD_ENV = Map.of(
            "AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
            "AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:4568",
            "SENSORPIPE_KPL_KINESIS_ENDPOINT", "https://127.0.0.1:4567",
            "SENSORPIPE_KPL_STS_ENDPOINT", "https://127.0.0.1:4569");

    @Test
    void kplSpecificTlsVariablesWinOverTheSdkOnes() {
        KplEndpoint kinesis = KplEndpoints.kinesis(LOCAL_CLOUD_ENV).orElseThrow();
        KplEndpoint sts = KplEndpoints.sts(LOCAL_CLOUD_ENV).orElseThrow();
        assertThat(kinesis).isEqualTo(new KplEndpoint("127.0.0.1", 4567, false, "SENSORPIPE_KPL_KINESIS_ENDPOINT"));
        assertThat(sts).isEqualTo(new KplEndpoint("127.0.0.1", 4569, false, "SENSORPIPE_KPL_STS_ENDPOINT"));
    }

    @Test
    void serviceVariableIsUsedAsHttpsOnTheSamePortWhenNoKplVariableIsSet() {
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL_KINESIS", "http://localhost:4568",
                "AWS_ENDPOINT_URL_STS", "http://localhost:4599");
        assertThat(KplEndpoints.kinesis(env).orElseThrow())
                .isEqualTo(new KplEndpoint("localhost", 4568, false, "AWS_ENDPOINT_URL_KINESIS"));
        assertThat(KplEndpoints.sts(env).orElseThrow().port()).isEqualTo(4599);
    }

    @Test
    void genericEndpointUrlIsTheLastFallbackLikeLocalStackOn4566() {
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566");
        KplEndpoint kinesis = KplEndpoints.kinesis(env).orElseThrow();
        assertThat(kinesis.url()).isEqualTo("https://127.0.0.1:4566");
        assertThat(kinesis.verifyCertificate()).isFalse();
        assertThat(KplEndpoints.sts(env).orElseThrow().source()).isEqualTo("AWS_ENDPOINT_URL");
    }

    @Test
    void publicDnsNameResolvingToLoopbackKeepsVerification() {
        // localhost.localstack.cloud is an ordinary public DNS name: its answer is not ours to trust.
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL", "http://localhost.localstack.cloud:4566");
        assertThat(KplEndpoints.isLocal("localhost.localstack.cloud")).isFalse();
        assertThat(KplEndpoints.kinesis(env).orElseThrow().verifyCertificate()).isTrue();
        assertThat(KplEndpoints.sts(env).orElseThrow().verifyCertificate()).isTrue();
    }

    @Test
    void noVariableMeansTheRealAwsEndpoint() {
        assertThat(KplEndpoints.kinesis(Map.of())).isEmpty();
        assertThat(KplEndpoints.sts(Map.of("AWS_ENDPOINT_URL_KINESIS", " "))).isEmpty();
    }

    @Test
    void certificateVerificationStaysOnForAnyNonLoopbackHost() {
        assertThat(KplEndpoints.kinesis(Map.of("AWS_ENDPOINT_URL_KINESIS", "https://kinesis.example.com"))
                .orElseThrow()).satisfies(e -> {
                    assertThat(e.verifyCertificate()).isTrue();
                    assertThat(e.port()).isEqualTo(443);
                });
        assertThat(KplEndpoints.isLocal("10.0.0.5")).isFalse();
        assertThat(KplEndpoints.isLocal("127.evil.com")).isFalse();
        assertThat(KplEndpoints.isLocal("127.0.0.1.nip.io")).isFalse();
        assertThat(KplEndpoints.isLocal("128.0.0.1")).isFalse();
        assertThat(KplEndpoints.isLocal("localstack.cloud")).isFalse();
    }

    @Test
    void loopbackHostsSwitchVerificationOff() {
        assertThat(KplEndpoints.isLocal("127.0.0.1")).isTrue();
        assertThat(KplEndpoints.isLocal("127.1.2.3")).isTrue();
        assertThat(KplEndpoints.isLocal("LOCALHOST")).isTrue();
        assertThat(KplEndpoints.isLocal("::1")).isTrue();
        assertThat(KplEndpoints.kinesis(Map.of("AWS_ENDPOINT_URL_KINESIS", "http://[::1]:4568")).orElseThrow())
                .isEqualTo(new KplEndpoint("::1", 4568, false, "AWS_ENDPOINT_URL_KINESIS"));
    }

    @Test
    void malformedUrlNamesTheVariable() {
        assertThatThrownBy(() -> KplEndpoints.kinesis(Map.of("SENSORPIPE_KPL_KINESIS_ENDPOINT", "127.0.0.1:4567")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("SENSORPIPE_KPL_KINESIS_ENDPOINT: ");
        assertThatThrownBy(() -> KplEndpoints.sts(Map.of("AWS_ENDPOINT_URL", "ftp://host:21")))
                .hasMessageContaining("AWS_ENDPOINT_URL").hasMessageContaining("http(s)");
    }
}
