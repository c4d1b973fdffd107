package io.sensorpipe.alerts.runner;

import software.amazon.awssdk.services.dynamodb.model.Shard;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which stream shards to open, when, and where, the way Lambda's event source mapping does it:
 * <ul>
 *   <li>the configured starting position (e.g. LATEST) applies only to the shards that exist when the mapping is
 *       created, i.e. those of the first discovery;</li>
 *   <li>shards that appear later (children after a split or a rollover) are read from TRIM_HORIZON, so none of their
 *       records are skipped;</li>
 *   <li>a child is opened only once its parent is finished (closed and fully read), which keeps a key's records in
 *       order across the split; a parent that is no longer listed (trimmed after 24 h) counts as finished.</li>
 * </ul>
 */
public final class ShardTracker {

    /** A shard that may be opened now, and the iterator type to open it with. */
    public record ShardToOpen(String shardId, String position) {
    }

    private record Known(String parentId, boolean fromFirstDiscovery) {
    }

    private final String configuredPosition;
    private final Map<String, Known> known = new LinkedHashMap<>();
    private final Set<String> listedNow = new HashSet<>();
    private final Set<String> opened = new HashSet<>();
    private final Set<String> finished = new HashSet<>();
    private boolean discoveredOnce;

    public ShardTracker(String configuredPosition) {
        this.configuredPosition = configuredPosition;
    }

    /** Records one complete DescribeStream listing (all pages). */
    public void discovered(List<Shard> shards) {
        listedNow.clear();
        for (Shard shard : shards) {
            listedNow.add(shard.shardId());
            known.putIfAbsent(shard.shardId(), new Known(shard.parentShardId(), !discoveredOnce));
        }
        discoveredOnce = true;
    }

    /** Shards not yet opened whose parent is finished (or absent), in discovery order. */
    public List<ShardToOpen> readyToOpen() {
        List<ShardToOpen> ready = new ArrayList<>();
        known.forEach((shardId, shard) -> {
            if (!opened.contains(shardId) && !finished.contains(shardId) && parentFinished(shard.parentId())) {
                ready.add(new ShardToOpen(shardId, shard.fromFirstDiscovery() ? configuredPosition : "TRIM_HORIZON"));
            }
        });
        return ready;
    }

    private boolean parentFinished(String parentId) {
        return parentId == null || finished.contains(parentId) || !known.containsKey(parentId)
                || !listedNow.contains(parentId) && !opened.contains(parentId);
    }

    public void opened(String shardId) {
        opened.add(shardId);
    }

    /** The shard is closed and every record of it was read (GetRecords gave no next iterator). */
    public void finished(String shardId) {
        opened.remove(shardId);
        finished.add(shardId);
    }
}
