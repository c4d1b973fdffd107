package io.sensorpipe.kinesis;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps GetRecords on one shard under Kinesis' 5 calls/s: callers in this JVM (driver and tasks, in local mode
 * the same JVM) wait until the shard's minimum interval has passed since the previous call.
 */
final class ShardRateLimiter {
    private static final ConcurrentHashMap<String, Long> NEXT_ALLOWED = new ConcurrentHashMap<>();

    private ShardRateLimiter() {
    }

    static void acquire(String stream, String shardId, long minIntervalMs) throws InterruptedException {
        String key = stream + "/" + shardId;
        while (true) {
            long now = System.currentTimeMillis();
            Long next = NEXT_ALLOWED.get(key);
            if (next == null || next <= now) {
                boolean won = next == null
                        ? NEXT_ALLOWED.putIfAbsent(key, now + minIntervalMs) == null
                        : NEXT_ALLOWED.replace(key, next, now + minIntervalMs);
                if (won) {
                    return;
                }
            } else {
                Thread.sleep(Math.max(1, next - now));
            }
        }
    }

    /** After a throttling error: nobody in this JVM calls the shard again for {@code backoffMs}. */
    static void penalize(String stream, String shardId, long backoffMs) {
        NEXT_ALLOWED.merge(stream + "/" + shardId, System.currentTimeMillis() + backoffMs, Math::max);
    }
}
