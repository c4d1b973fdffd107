package io.sensorpipe.cli.query;

import io.sensorpipe.aws.AwsErrors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Reads alerts from the SQS queue subscribed to the alert topic WITHOUT deleting them. Each receive hides its
 * messages (visibility timeout), which is what lets the next receive return the following ones; once the read
 * is done every received message is made visible again at once (ChangeMessageVisibility 0), so other readers
 * (the dashboard, another tail) lose sight of them only for the moment of the read. If the reader dies
 * mid-read, the messages reappear after {@link #HIDE_SECONDS} anyway. SQS may deliver a message twice, so
 * messages are de-duplicated by id.
 */
public final class AlertReader {
    static final int HIDE_SECONDS = 20;

    private final SqsClient sqs;

    public AlertReader(SqsClient sqs) {
        this.sqs = sqs;
    }

    /** @throws AwsErrors.MissingResource naming the queue when it does not exist */
    public String queueUrl(String queueName) {
        try {
            return sqs.getQueueUrl(r -> r.queueName(queueName)).queueUrl();
        } catch (AwsServiceException e) {
            if (AwsErrors.isNotFound(e) || e instanceof QueueDoesNotExistException) {
                throw new AwsErrors.MissingResource("queue", queueName, e);
            }
            throw e;
        }
    }

    /**
     * Reads up to {@code max} messages, stopping after {@code emptyRounds} receives in a row brought nothing
     * new. Oldest first.
     */
    public List<Alert> peek(String queueUrl, int max, int emptyRounds) {
        Map<String, Alert> seen = new LinkedHashMap<>();
        List<String> receipts = new ArrayList<>();
        int empty = 0;
        int rounds = 0;
        try {
            while (seen.size() < max && empty < emptyRounds && rounds < 10 + max / 5) {
                rounds++;
                int wait = empty == 0 ? 0 : 1;
                List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                        .maxNumberOfMessages(10)
                        .visibilityTimeout(HIDE_SECONDS)
                        .waitTimeSeconds(wait)
                        .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
                int before = seen.size();
                for (Message m : messages) {
                    receipts.add(m.receiptHandle());
                    if (seen.size() < max) {
                        seen.computeIfAbsent(m.messageId(), id -> Alert.fromSqsBody(id, m.body(), sentTimestamp(m)));
                    }
                }
                empty = seen.size() == before ? empty + 1 : 0;
            }
        } finally {
            makeVisibleAgain(queueUrl, receipts);
        }
        List<Alert> alerts = new ArrayList<>(seen.values());
        alerts.sort(Comparator.comparingLong(Alert::sentAt));
        return alerts;
    }

    private void makeVisibleAgain(String queueUrl, List<String> receipts) {
        for (int i = 0; i < receipts.size(); i += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> batch = new ArrayList<>();
            for (int j = i; j < Math.min(receipts.size(), i + 10); j++) {
                batch.add(ChangeMessageVisibilityBatchRequestEntry.builder().id("m" + j)
                        .receiptHandle(receipts.get(j)).visibilityTimeout(0).build());
            }
            try {
                sqs.changeMessageVisibilityBatch(r -> r.queueUrl(queueUrl).entries(batch));
            } catch (RuntimeException e) {
                // they reappear after HIDE_SECONDS anyway
            }
        }
    }

    /** Messages on the queue (visible + in flight), from the queue's approximate counters. */
    public long approximateCount(String queueUrl) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
                + Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"));
    }

    private static long sentTimestamp(Message m) {
        String ts = m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        return ts == null ? 0L : Long.parseLong(ts);
    }
}
