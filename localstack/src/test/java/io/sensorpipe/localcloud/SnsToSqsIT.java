package io.sensorpipe.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.testkit.CloudEndpoints;
import io.sensorpipe.testkit.TestCloud;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** moto's SNS fan-out to SQS, the path alerts take to the CLI tail. */
class SnsToSqsIT {

  @Test
  void messagePublishedToTopicArrivesRawInSubscribedQueue() {
    String name = TestCloud.randomName("local-cloud-it");
    CloudEndpoints.fromEnvironment().required(CloudEndpoints.GENERAL);
    try (SnsClient sns = SnsClient.builder().build(); SqsClient sqs = SqsClient.builder().build()) {
      String queueUrl = sqs.createQueue(b -> b.queueName(name)).queueUrl();
      String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
          .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
      String topicArn = sns.createTopic(b -> b.name(name)).topicArn();
      try {
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn)
            .attributes(Map.of("RawMessageDelivery", "true")));
        String alert = "{\"sensorId\":\"site-a/pump-7/temperature\",\"score\":4.2}";

        sns.publish(b -> b.topicArn(topicArn).message(alert));

        assertThat(topicArn).startsWith("arn:aws:sns:us-east-1:000000000000:");
        assertThat(receive(sqs, queueUrl)).extracting(Message::body).containsExactly(alert);
      } finally {
        sns.deleteTopic(b -> b.topicArn(topicArn));
        sqs.deleteQueue(b -> b.queueUrl(queueUrl));
      }
    }
  }

  private static List<Message> receive(SqsClient sqs, String queueUrl) {
    List<Message> messages = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (messages.isEmpty() && System.nanoTime() < deadline) {
      messages.addAll(sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(2)).messages());
    }
    return messages;
  }
}
