package io.sensorpipe.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.testkit.CloudEndpoints;
import io.sensorpipe.testkit.TestCloud;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** moto's DynamoDB + DynamoDB Streams, as the alert Lambda sees them (NEW_IMAGE). */
class DynamoDbStreamsIT {

  @Test
  void putItemAppearsAsInsertWithNewImageOnTheTableStream() {
    EndpointRecorder recorder = new EndpointRecorder();
    String table = TestCloud.randomName("local-cloud-it");
    try (DynamoDbClient dynamo = DynamoDbClient.builder()
            .overrideConfiguration(c -> c.addExecutionInterceptor(recorder)).build();
        DynamoDbStreamsClient streams = DynamoDbStreamsClient.builder().build()) {
      String streamArn = dynamo.createTable(b -> b.tableName(table)
              .attributeDefinitions(
                  AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                  AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.N).build())
              .keySchema(
                  KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                  KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
              .billingMode(BillingMode.PAY_PER_REQUEST)
              .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)))
          .tableDescription().latestStreamArn();
      dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));
      try {
        Map<String, AttributeValue> item = Map.of(
            "pk", AttributeValue.fromS("site-a/pump-7/temperature"),
            "sk", AttributeValue.fromN("1764072000000"),
            "anomaly", AttributeValue.fromBool(true));
        dynamo.putItem(b -> b.tableName(table).item(item));

        List<Record> records = readStream(streams, streamArn);

        assertThat(records).hasSize(1);
        assertThat(records.get(0).eventName()).isEqualTo(OperationType.INSERT);
        assertThat(records.get(0).dynamodb().newImage()).isEqualTo(item);
        recorder.assertAllWentTo(CloudEndpoints.fromEnvironment().required(CloudEndpoints.GENERAL));
      } finally {
        dynamo.deleteTable(b -> b.tableName(table));
      }
    }
  }

  private static List<Record> readStream(DynamoDbStreamsClient streams, String streamArn) {
    List<Record> records = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (records.isEmpty() && System.nanoTime() < deadline) {
      for (Shard shard : streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards()) {
        String iterator = streams.getShardIterator(b -> b.streamArn(streamArn)
            .shardId(shard.shardId())
            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        records.addAll(streams.getRecords(b -> b.shardIterator(iterator)).records());
      }
    }
    return records;
  }
}
