package io.sensorpipe.processing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.score.ScorerConfig;
import io.sensorpipe.score.Scorers;
import io.sensorpipe.score.SensorScorer;
import org.junit.jupiter.api.Test;

/** A cached scorer is reused only for the snapshot it produced, and only once per hand-out. */
class ScorerCacheTest {
    private static final String V = ScorerConfig.defaults().modelVersion();
    private final SensorScorer scorer = Scorers.create(ScorerConfig.defaults(), "cache/s1");

    @Test
    void scorerIsReusedForItsOwnSnapshotToken() {
        ScorerCache.put("cache/s1", 41L, V, scorer);
        assertThat(ScorerCache.take("cache/s1", 41L, V)).isSameAs(scorer);
    }

    @Test
    void otherTokenMeansRestoreFromTheStateStore() {
        ScorerCache.put("cache/s2", 41L, V, scorer);
        assertThat(ScorerCache.take("cache/s2", 42L, V)).isNull();
        assertThat(ScorerCache.take("cache/s2", 41L, V)).as("a mismatch evicts the entry").isNull();
    }

    @Test
    void aTakenScorerIsNotHandedOutTwice() {
        ScorerCache.put("cache/s3", 7L, V, scorer);
        ScorerCache.take("cache/s3", 7L, V);
        assertThat(ScorerCache.take("cache/s3", 7L, V)).isNull();
    }

    @Test
    void otherScorerSettingsMeanRestoreFromTheStateStore() {
        ScorerCache.put("cache/s4", 7L, V, scorer);
        assertThat(ScorerCache.take("cache/s4", 7L, V + "-changed")).isNull();
    }
}
