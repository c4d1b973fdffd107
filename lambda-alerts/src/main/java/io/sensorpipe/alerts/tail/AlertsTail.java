package io.sensorpipe.alerts.tail;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Reads alerts from the SQS queue subscribed to the alert topic and hands each one, decoded, to a consumer.
 * Messages are deleted once handed over unless {@code keep} is set (then they reappear after the visibility timeout).
 */
public final class AlertsTail {
    private final SqsClient sqs;
    private final String queueUrl;
    private final boolean keep;

    public AlertsTail(SqsClient sqs, String queueUrl, boolean keep) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.keep = keep;
    }

    /**
     * Long-polls until {@code maxMessages} alerts were read or {@code duration} passed (whichever first), or, with
     * {@code stopWhenEmpty}, until a long poll finds the queue empty.
     *
     * @return the number of alerts read
     */
    public int tail(int maxMessages, Duration duration, boolean stopWhenEmpty, Consumer<AlertNotification> consumer) {
        long end = System.nanoTime() + duration.toNanos();
        int read = 0;
        while (read < maxMessages) {
            long remainingSeconds = (end - System.nanoTime()) / 1_000_000_000L;
            if (remainingSeconds <= 0) {
                break;
            }
            // Draining stops at the first empty poll, so it need not wait long; following waits the SQS maximum.
            int wait = (int) Math.min(stopWhenEmpty ? 2 : 20, remainingSeconds);
            int batch = Math.min(10, maxMessages - read);
            ReceiveMessageResponse response = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(batch)
                    .waitTimeSeconds(wait).messageAttributeNames("All"));
            if (stopWhenEmpty && response.messages().isEmpty()) {
                break;
            }
            for (Message message : response.messages()) {
                consumer.accept(AlertNotification.fromSqs(message));
                read++;
                if (!keep) {
                    sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                }
            }
        }
        return read;
    }

    /** Prints each alert readably. */
    public static Consumer<AlertNotification> printer(PrintStream out) {
        return notification -> {
            out.println(notification.render());
            out.flush();
        };
    }
}
