package io.sensorpipe.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.WindowResult;
import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.WindowAggregate;
import org.junit.jupiter.api.Test;

class WindowResultsTest {
    @Test
    void copiesAggregateScoreAndSensorAttributesIntoTheResult() {
        WindowAggregate a = WindowAggregate.empty();
        a.add(1_005, 1.0);
        a.add(1_050, 3.0);
        ClosedWindow w = new ClosedWindow("site-a/pump-7/temperature", 0, 60_000, a);
        WindowScore s = new WindowScore(0.75, 0.4, true, 2.5);

        WindowResult r = WindowResults.toResult(w, s, "v1", 123L, "temperature", "site-a", "C");

        assertThat(r).isEqualTo(new WindowResult("site-a/pump-7/temperature", 0, 60_000, 2, 1.0, 3.0, 2.0, 1.0, 1_005,
                1_050, 0.75, 0.4, true, 2.5, "v1", 123L, "temperature", "site-a", "C"));
    }
}
