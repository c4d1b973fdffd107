package io.sensorpipe.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Records the host:port each request really went to, to prove which endpoint the SDK resolved. */
final class EndpointRecorder implements ExecutionInterceptor {
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
