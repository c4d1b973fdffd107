package io.sensorpipe.producer;

/**
 * A snapshot of a writer's counters.
 *
 * @param produced      records handed to {@link ReadingWriter#write}
 * @param acknowledged  records Kinesis confirmed (have a sequence number)
 * @param failed        records given up on and written to the failure file
 * @param retries       re-submissions after a failed attempt
 * @param outstanding   produced - acknowledged - failed
 * @param bytes         payload bytes produced
 * @param blockedMillis time {@code write} callers spent blocked by the backpressure bound
 * @param kinesisCalls  Kinesis PutRecord(s) API calls made (-1 when the writer cannot know)
 */
public record WriterStats(long produced, long acknowledged, long failed, long retries, long outstanding, long bytes,
                          long blockedMillis, long kinesisCalls) {
}
