package io.sensorpipe.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.testkit.CloudEndpoints;
import io.sensorpipe.testkit.TestCloud;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** moto's S3 as the Firehose archive layout uses it (prefix listing of partitioned keys). */
class S3IT {

  @Test
  void putObjectsAreListedByPrefixAndReadBack() {
    EndpointRecorder recorder = new EndpointRecorder();
    String bucket = TestCloud.randomName("local-cloud-it");
    // Path-style: virtual-host style would put the bucket into the 127.0.0.1 host name.
    try (S3Client s3 = S3Client.builder()
        .forcePathStyle(true)
        .overrideConfiguration(c -> c.addExecutionInterceptor(recorder))
        .build()) {
      s3.createBucket(b -> b.bucket(bucket));
      String hourPrefix = "raw/year=2026/month=11/day=25/hour=12/";
      s3.putObject(b -> b.bucket(bucket).key(hourPrefix + "part-0.json"), RequestBody.fromString("{\"v\":1}\n"));
      s3.putObject(b -> b.bucket(bucket).key(hourPrefix + "part-1.json"), RequestBody.fromString("{\"v\":2}\n"));
      s3.putObject(b -> b.bucket(bucket).key("raw/year=2026/month=11/day=25/hour=13/part-0.json"),
          RequestBody.fromString("{\"v\":3}\n"));

      var listed = s3.listObjectsV2(b -> b.bucket(bucket).prefix(hourPrefix)).contents().stream()
          .map(S3Object::key).toList();
      String body = s3.getObjectAsBytes(b -> b.bucket(bucket).key(hourPrefix + "part-1.json")).asUtf8String();

      assertThat(listed).containsExactly(hourPrefix + "part-0.json", hourPrefix + "part-1.json");
      assertThat(body).isEqualTo("{\"v\":2}\n");
      recorder.assertAllWentTo(CloudEndpoints.fromEnvironment().required(CloudEndpoints.GENERAL));
    }
  }
}
