package io.sensorpipe.processing;

import io.sensorpipe.score.SensorScorer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Live scorers kept between micro-batches in this executor JVM, so closing a window does not pay for restoring the
 * model from its snapshot (≈10 ms for the default forest, against ≈0.4 ms to score). The state store stays the
 * source of truth: an entry is used only when its token equals the token of the sensor's state row, i.e. the
 * object is exactly the model that row stands for (its snapshot with the windows scored since replayed).
 * {@link #take} removes the entry, so a scorer mutated by a failed task attempt is never reused; a re-run batch,
 * another query or a restarted job simply restores.
 */
final class ScorerCache {
    private static final int MAX_ENTRIES = Integer.getInteger("sensorpipe.scorerCacheEntries", 2_000);
    private static final Map<String, Entry> CACHE = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    private record Entry(long token, String modelVersion, SensorScorer scorer) {
    }

    private ScorerCache() {
    }

    /**
     * The cached scorer of {@code sensorId} if it is at the snapshot with {@code token} and of the same scorer
     * settings (a query restarted in this JVM with other settings must restore, and reset, instead); removed
     * either way.
     */
    static synchronized SensorScorer take(String sensorId, long token, String modelVersion) {
        Entry e = CACHE.remove(sensorId);
        return e != null && e.token() == token && e.modelVersion().equals(modelVersion) ? e.scorer() : null;
    }

    static synchronized void put(String sensorId, long token, String modelVersion, SensorScorer scorer) {
        CACHE.put(sensorId, new Entry(token, modelVersion, scorer));
    }
}
