package io.sensorpipe.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Test-side facts about the running local cloud, read only from the variables `local-cloud.sh env` exports. */
final class LocalCloudEnv {

  private LocalCloudEnv() {}

  /** Fails fast (instead of calling real AWS with dummy keys) when the local cloud's env is not exported. */
  static URI requiredEndpoint(String variable) {
    String value = System.getenv(variable);
    assertThat(value)
        .as("%s must be set: run the ITs via scripts/test or eval \"$(localstack/local-cloud.sh env)\"", variable)
        .isNotBlank();
    URI uri = URI.create(value);
    assertThat(uri.getHost()).as("%s must point at this machine", variable).isIn("127.0.0.1", "localhost");
    return uri;
  }

  /** The general endpoint (moto) that every service without its own variable uses. */
  static URI defaultEndpoint() {
    return requiredEndpoint("AWS_ENDPOINT_URL");
  }

  static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Records the host:port each request really went to, to prove which endpoint the SDK resolved. */
  static final class EndpointRecorder implements ExecutionInterceptor {
    private final List<URI> targets = new CopyOnWriteArrayList<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      targets.add(context.httpRequest().getUri());
    }

    List<URI> targets() {
      return targets;
    }

    /** Asserts that every request went to the scheme, host and port of {@code expected}. */
    void assertAllWentTo(URI expected) {
      assertThat(targets).isNotEmpty();
      assertThat(targets)
          .allSatisfy(uri -> {
            assertThat(uri.getScheme()).isEqualTo(expected.getScheme());
            assertThat(uri.getHost()).isEqualTo(expected.getHost());
            assertThat(uri.getPort()).isEqualTo(expected.getPort());
          });
    }
  }
}
