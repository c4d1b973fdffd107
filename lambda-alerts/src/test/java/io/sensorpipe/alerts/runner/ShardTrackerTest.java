package io.sensorpipe.alerts.runner;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.Shard;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Lambda's shard rules: starting position only at mapping creation, children after their parent, from the start. */
class ShardTrackerTest {

    private static Shard shard(String id, String parent) {
        return Shard.builder().shardId(id).parentShardId(parent).build();
    }

    private static ShardTracker.ShardToOpen open(String id, String position) {
        return new ShardTracker.ShardToOpen(id, position);
    }

    @Test
    void configuredPositionAppliesOnlyToShardsOfTheFirstDiscoveryLaterShardsStartAtTrimHorizon() {
        ShardTracker tracker = new ShardTracker("LATEST");
        tracker.discovered(List.of(shard("a", null)));
        assertThat(tracker.readyToOpen()).containsExactly(open("a", "LATEST"));
        tracker.opened("a");

        tracker.discovered(List.of(shard("a", null), shard("b", null)));

        assertThat(tracker.readyToOpen()).containsExactly(open("b", "TRIM_HORIZON"));
    }

    @Test
    void childShardIsOpenedOnlyAfterItsParentIsClosedAndFullyRead() {
        ShardTracker tracker = new ShardTracker("LATEST");
        tracker.discovered(List.of(shard("parent", null)));
        tracker.opened("parent");
        tracker.discovered(List.of(shard("parent", null), shard("child", "parent")));

        assertThat(tracker.readyToOpen()).as("parent still being read").isEmpty();

        tracker.finished("parent");
        assertThat(tracker.readyToOpen()).containsExactly(open("child", "TRIM_HORIZON"));
    }

    @Test
    void childFoundTogetherWithItsOpenParentAtTheFirstDiscoveryWaitsForTheParent() {
        ShardTracker tracker = new ShardTracker("TRIM_HORIZON");
        tracker.discovered(List.of(shard("parent", null), shard("child", "parent")));

        assertThat(tracker.readyToOpen()).containsExactly(open("parent", "TRIM_HORIZON"));
        tracker.opened("parent");
        tracker.finished("parent");
        assertThat(tracker.readyToOpen()).containsExactly(open("child", "TRIM_HORIZON"));
    }

    @Test
    void shardWhoseParentIsNoLongerListedIsOpenedAtOnce() {
        ShardTracker tracker = new ShardTracker("TRIM_HORIZON");
        tracker.discovered(List.of(shard("child", "trimmed-parent")));

        assertThat(tracker.readyToOpen()).containsExactly(open("child", "TRIM_HORIZON"));
    }

    @Test
    void finishedShardIsNeverOpenedAgain() {
        ShardTracker tracker = new ShardTracker("TRIM_HORIZON");
        tracker.discovered(List.of(shard("a", null)));
        tracker.opened("a");
        tracker.finished("a");

        tracker.discovered(List.of(shard("a", null)));

        assertThat(tracker.readyToOpen()).isEmpty();
    }
}
