package io.sensorpipe.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** GetRecords pacing: at most 5 calls/s on one shard, shards independent, throttling pushes the next call out. */
class ShardRateLimiterTest {
    @Test
    void callsOnOneShardAreSpacedByTheMinimumInterval() throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            ShardRateLimiter.acquire("pace", "shard-a", 200);
        }
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1_000);
    }

    @Test
    void differentShardsDoNotWaitForEachOther() throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            ShardRateLimiter.acquire("pace", "independent-" + i, 200);
        }
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(150);
    }

    @Test
    void throttlingBacksTheShardOff() throws Exception {
        ShardRateLimiter.acquire("pace", "throttled", 0);
        ShardRateLimiter.penalize("pace", "throttled", 400);
        long start = System.nanoTime();
        ShardRateLimiter.acquire("pace", "throttled", 0);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(350);
    }
}
