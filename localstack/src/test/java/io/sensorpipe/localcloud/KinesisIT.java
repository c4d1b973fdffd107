package io.sensorpipe.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.testkit.CloudEndpoints;
import io.sensorpipe.testkit.TestCloud;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.kinesis.waiters.KinesisWaiter;
import software.amazon.awssdk.utils.AttributeMap;

/** kinesis-mock reached by the SDK from AWS_ENDPOINT_URL_KINESIS alone (CBOR on, as in production). */
class KinesisIT {

  private static final EndpointRecorder recorder = new EndpointRecorder();
  private static KinesisClient kinesis;
  private static String streamName;

  @BeforeAll
  static void createStream() {
    CloudEndpoints.fromEnvironment().required(CloudEndpoints.GENERAL);
    // No endpointOverride: the SDK must pick AWS_ENDPOINT_URL_KINESIS over AWS_ENDPOINT_URL by itself.
    kinesis = KinesisClient.builder()
        .overrideConfiguration(c -> c.addExecutionInterceptor(recorder))
        .build();
    streamName = TestCloud.randomName("local-cloud-it");
    kinesis.createStream(b -> b.streamName(streamName).shardCount(2));
    // The default waiter polls every 10 s; kinesis-mock activates a stream in ~0.5 s.
    try (KinesisWaiter waiter = KinesisWaiter.builder().client(kinesis)
        .overrideConfiguration(o -> o.backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(200))))
        .build()) {
      waiter.waitUntilStreamExists(b -> b.streamName(streamName));
    }
  }

  @AfterAll
  static void deleteStream() {
    if (kinesis != null) {
      kinesis.deleteStream(b -> b.streamName(streamName).enforceConsumerDeletion(true));
      kinesis.close();
    }
  }

  @Test
  void sdkUsesTheKinesisSpecificEndpointVariableNotTheGeneralOne() {
    URI kinesisEndpoint = CloudEndpoints.fromEnvironment().required("AWS_ENDPOINT_URL_KINESIS");
    assertThat(kinesisEndpoint.getPort()).isNotEqualTo(CloudEndpoints.fromEnvironment().required(CloudEndpoints.GENERAL).getPort());

    kinesis.describeStreamSummary(b -> b.streamName(streamName));

    recorder.assertAllWentTo(kinesisEndpoint);
  }

  @Test
  void putRecordsWithCborComeBackByteForByteFromGetRecords() {
    List<String> sent = IntStream.range(0, 40)
        .mapToObj(i -> "{\"sensorId\":\"site-a/pump-" + i + "/temperature\",\"value\":" + (20.5 + i) + "}")
        .toList();
    List<PutRecordsRequestEntry> entries = IntStream.range(0, sent.size())
        .mapToObj(i -> PutRecordsRequestEntry.builder()
            .partitionKey("site-a/pump-" + i)
            .data(SdkBytes.fromString(sent.get(i), StandardCharsets.UTF_8))
            .build())
        .toList();

    PutRecordsResponse put = kinesis.putRecords(b -> b.streamName(streamName).records(entries));
    assertThat(put.failedRecordCount()).isZero();

    assertThat(readAll(kinesis, streamName, sent.size())).containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void kplTlsPortServesTheSameStreamsOverHttps() throws Exception {
    // The KPL reaches kinesis-mock over HTTPS with a self-signed certificate: trust-all only here, in a test.
    URI tlsEndpoint = CloudEndpoints.fromEnvironment().required("SENSORPIPE_KPL_KINESIS_ENDPOINT");
    assertThat(tlsEndpoint.getScheme()).isEqualTo("https");
    try (KinesisAsyncClient tlsClient = KinesisAsyncClient.builder()
        .endpointOverride(tlsEndpoint)
        .httpClient(NettyNioAsyncHttpClient.builder()
            // HTTP/1.1 like the KPL: the JS build of kinesis-mock does not negotiate h2 over TLS.
            .protocol(Protocol.HTTP1_1)
            .buildWithDefaults(AttributeMap.builder()
                .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true)
                .build()))
        .build()) {
      var summary = tlsClient.describeStreamSummary(b -> b.streamName(streamName)).get();

      assertThat(summary.streamDescriptionSummary().streamStatus()).isEqualTo(StreamStatus.ACTIVE);
      assertThat(summary.streamDescriptionSummary().streamARN())
          .isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/" + streamName);
    }
  }

  private static List<String> readAll(KinesisClient client, String stream, int expected) {
    List<String> received = new ArrayList<>();
    List<Shard> shards = client.listShards(b -> b.streamName(stream)).shards();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Set<String> iterators = new HashSet<>();
    for (Shard shard : shards) {
      iterators.add(client.getShardIterator(b -> b.streamName(stream)
          .shardId(shard.shardId())
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator());
    }
    while (received.size() < expected && System.nanoTime() < deadline) {
      Set<String> next = new HashSet<>();
      for (String iterator : iterators) {
        GetRecordsResponse page = client.getRecords(b -> b.shardIterator(iterator));
        page.records().forEach(r -> received.add(r.data().asUtf8String()));
        if (page.nextShardIterator() != null) {
          next.add(page.nextShardIterator());
        }
      }
      iterators = next;
    }
    return received;
  }
}
