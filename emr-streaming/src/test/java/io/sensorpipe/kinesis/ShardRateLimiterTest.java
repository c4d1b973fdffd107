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
        // 5 waits of 200 ms, less a few ms: the limiter works in whole milliseconds of the wall clock
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(990);
    }

    @Test
    void differentShardsDoNotWaitForEachOther() throws Exception {
        // One shared limiter would make these 6 calls take 5 × 10 s; a bound 10× below that does not flake on a
        // loaded machine.
        long start = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            ShardRateLimiter.acquire("pace", "independent-" + i, 10_000);
        }
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
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
