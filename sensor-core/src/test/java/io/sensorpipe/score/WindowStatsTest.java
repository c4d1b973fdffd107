package io.sensorpipe.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.window.WindowAggregate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Field;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowStatsTest {
    private static final long WINDOW = 5_000L;

    private static WindowAggregate window(double level, boolean flat, Random random) {
        WindowAggregate a = WindowAggregate.empty();
        for (int k = 0; k < 5; k++) {
            a.add(k * 1_000L + 1, flat ? level : level + 0.2 * random.nextGaussian());
        }
        return a;
    }

    /** 300 windows of five readings, stuck for ten windows three times: 10 % flat, in three stretches. */
    private static WindowStats stuckThreeTimes() {
        WindowStats stats = new WindowStats(168);
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            boolean flat = i % 100 >= 50 && i % 100 < 60;
            WindowAggregate a = window(20, flat, random);
            stats.fault(a, i * WINDOW, WINDOW);
            stats.observe(a, i * WINDOW, WINDOW);
        }
        return stats;
    }

    @Test
    void aSensorStuckInThreeStretchesStillCountsFlatnessAsRare() {
        assertThat(stuckThreeTimes().fault(window(20, true, new Random(8)), 300 * WINDOW, WINDOW))
                .isEqualTo(WindowStats.FLAT);
    }

    @Test
    void aSnapshotOfAnEarlierReleaseCountsEachFlatWindowAsAStretchAsItsRuleDid() throws Exception {
        WindowStats stats = stuckThreeTimes();
        Field runs = WindowStats.class.getDeclaredField("flatRuns");
        runs.setAccessible(true);
        runs.setLong(stats, 0L); // what an earlier release's bytes read as: the field did not exist
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(stats);
        }
        WindowStats restored;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            restored = (WindowStats) in.readObject();
        }
        assertThat(runs.getLong(restored)).isEqualTo(30L);
        // 30 flat windows of 300 are not rare by the old rule: no flat fault, as before the upgrade
        assertThat(restored.fault(window(20, true, new Random(8)), 300 * WINDOW, WINDOW)).isNull();
    }
}
