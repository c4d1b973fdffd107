package io.sensorpipe.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SensorWindowStateTest {
    private static final TumblingWindows MINUTE = new TumblingWindows(Duration.ofMinutes(1));

    @Test
    void windowsAreAlignedToTheEpochIncludingNegativeTimes() {
        assertThat(MINUTE.startOf(0)).isZero();
        assertThat(MINUTE.startOf(59_999)).isZero();
        assertThat(MINUTE.startOf(60_000)).isEqualTo(60_000);
        assertThat(MINUTE.startOf(-1)).isEqualTo(-60_000);
        assertThat(MINUTE.endOf(60_000)).isEqualTo(120_000);
        assertThat(TumblingWindows.defaults().sizeMillis()).isEqualTo(60_000);
        assertThatThrownBy(() -> new TumblingWindows(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void outOfOrderReadingsInAnOpenWindowAreAccepted() {
        SensorWindowState state = new SensorWindowState("s", MINUTE);
        assertThat(state.accept(50_000, 5.0, 0)).isTrue();
        assertThat(state.accept(10_000, 1.0, 0)).isTrue();
        assertThat(state.accept(70_000, 7.0, 0)).isTrue();
        List<ClosedWindow> closed = state.closeUpTo(60_000);
        assertThat(closed).hasSize(1);
        assertThat(closed.get(0).windowStart()).isZero();
        assertThat(closed.get(0).windowEnd()).isEqualTo(60_000);
        assertThat(closed.get(0).aggregate().count()).isEqualTo(2);
        assertThat(closed.get(0).aggregate().firstTs()).isEqualTo(10_000);
        assertThat(state.hasOpenWindows()).isTrue();
        assertThat(state.lateCount()).isZero();
    }

    @Test
    void readingForAClosedWindowIsCountedLateNotAdded() {
        SensorWindowState state = new SensorWindowState("s", MINUTE);
        state.accept(10_000, 1.0, 0);
        assertThat(state.closeUpTo(60_000)).hasSize(1);
        // the watermark passed 60 000, so window [0, 60 000) is closed even if a caller passes an older watermark
        assertThat(state.accept(20_000, 2.0, 0)).isFalse();
        assertThat(state.accept(30_000, 3.0, 60_000)).isFalse();
        assertThat(state.lateCount()).isEqualTo(2);
        assertThat(state.hasOpenWindows()).isFalse();
        assertThat(state.closeUpTo(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void windowEndingExactlyAtTheWatermarkIsClosed() {
        SensorWindowState state = new SensorWindowState("s", MINUTE);
        state.accept(0, 1.0, Long.MIN_VALUE);
        assertThat(state.closeUpTo(59_999)).isEmpty();
        assertThat(state.closeUpTo(60_000)).hasSize(1);
        assertThat(state.accept(59_999, 1.0, 60_000)).isFalse();
    }

    @Test
    void closesWindowsInAscendingOrder() {
        SensorWindowState state = new SensorWindowState("s", MINUTE);
        state.accept(200_000, 3, 0);
        state.accept(10_000, 1, 0);
        state.accept(100_000, 2, 0);
        assertThat(state.closeUpTo(Long.MAX_VALUE)).extracting(ClosedWindow::windowStart)
                .containsExactly(0L, 60_000L, 180_000L);
    }

    @Test
    void survivesJavaSerialisationLikeSparkStateStore() throws Exception {
        SensorWindowState state = new SensorWindowState("s", MINUTE);
        state.accept(10_000, 1.0, 0);
        state.accept(20_000, 3.0, 0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(state);
        }
        SensorWindowState copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (SensorWindowState) in.readObject();
        }
        copy.accept(30_000, 5.0, 0);
        ClosedWindow w = copy.closeUpTo(60_000).get(0);
        assertThat(w.aggregate().count()).isEqualTo(3);
        assertThat(w.aggregate().mean()).isEqualTo(3.0);
        assertThat(w.aggregate().variance()).isEqualTo(8.0 / 3);
    }

    @Test
    void repeatedReadingOfAnOpenWindowIsReportedDuplicateAndCountedOnce() {
        SensorWindowState state = new SensorWindowState("s", MINUTE);
        assertThat(state.offer(10_000, 1.0, 0)).isEqualTo(SensorWindowState.Acceptance.ACCEPTED);
        assertThat(state.offer(10_000, 1.0, 0)).isEqualTo(SensorWindowState.Acceptance.DUPLICATE);
        assertThat(state.offer(20_000, 3.0, 0)).isEqualTo(SensorWindowState.Acceptance.ACCEPTED);
        assertThat(state.accept(20_000, 3.0, 0)).isTrue(); // boolean form: a duplicate is not late
        assertThat(state.duplicateCount()).isEqualTo(2);
        assertThat(state.lateCount()).isZero();
        ClosedWindow w = state.closeUpTo(60_000).get(0);
        assertThat(w.aggregate().count()).isEqualTo(2);
        assertThat(w.aggregate().mean()).isEqualTo(2.0);
    }

    @Test
    void repeatOfAReadingWhoseWindowClosedIsLateNotDuplicate() {
        SensorWindowState state = new SensorWindowState("s", MINUTE);
        state.offer(10_000, 1.0, 0);
        state.closeUpTo(60_000);
        assertThat(state.offer(10_000, 1.0, 60_000)).isEqualTo(SensorWindowState.Acceptance.LATE);
        assertThat(state.duplicateCount()).isZero();
        // the closed window's accepted event times are forgotten: a later window starts empty
        assertThat(state.offer(70_000, 1.0, 60_000)).isEqualTo(SensorWindowState.Acceptance.ACCEPTED);
    }

    @Test
    void duplicatesAreStillDetectedAfterJavaSerialisation() throws Exception {
        SensorWindowState state = new SensorWindowState("s", MINUTE);
        state.offer(10_000, 1.0, 0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(state);
        }
        SensorWindowState copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (SensorWindowState) in.readObject();
        }
        assertThat(copy.offer(10_000, 1.0, 0)).isEqualTo(SensorWindowState.Acceptance.DUPLICATE);
        assertThat(copy.closeUpTo(60_000).get(0).aggregate().count()).isEqualTo(1);
    }

    private static final TumblingWindows TEN_S = new TumblingWindows(Duration.ofSeconds(10));

    @Test
    void aLargerSizeKeepsTheOpenWindowsAsTheyBeganThenOneWindowUpToTheNewSizesFirstBoundary() {
        SensorWindowState s = new SensorWindowState("s", TEN_S);
        s.offer(1_000, 1, 0);
        s.offer(12_000, 2, 0);
        s.changeSize(MINUTE);
        assertThat(s.offer(15_000, 3, 0)).as("its old window is still open").isEqualTo(SensorWindowState.Acceptance.ACCEPTED);
        assertThat(s.offer(12_000, 3, 0)).as("and remembers its readings").isEqualTo(SensorWindowState.Acceptance.DUPLICATE);
        assertThat(s.offer(25_000, 4, 0)).isEqualTo(SensorWindowState.Acceptance.ACCEPTED);
        assertThat(s.offer(61_000, 5, 0)).isEqualTo(SensorWindowState.Acceptance.ACCEPTED);
        assertThat(s.windows().fromSizeChange(20_000)).isTrue();
        assertThat(s.windows().fromSizeChange(60_000)).isFalse();
        List<ClosedWindow> closed = s.closeUpTo(120_000);
        assertThat(closed).extracting(ClosedWindow::windowStart, ClosedWindow::windowEnd, w -> w.aggregate().count())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 10_000L, 1L),
                        org.assertj.core.groups.Tuple.tuple(10_000L, 20_000L, 2L),
                        org.assertj.core.groups.Tuple.tuple(20_000L, 60_000L, 1L),
                        org.assertj.core.groups.Tuple.tuple(60_000L, 120_000L, 1L));
        assertThat(s.windows()).as("the change is behind it once its windows closed").isEqualTo(MINUTE);
        assertThat(s.lateCount()).isZero();
    }

    @Test
    void aSmallerSizeKeepsAnOpenLongerWindowWhole() {
        SensorWindowState s = new SensorWindowState("s", MINUTE);
        s.offer(30_000, 1, 0);
        s.changeSize(TEN_S);
        assertThat(s.offer(45_000, 2, 0)).isEqualTo(SensorWindowState.Acceptance.ACCEPTED);
        assertThat(s.offer(61_000, 3, 0)).isEqualTo(SensorWindowState.Acceptance.ACCEPTED);
        List<ClosedWindow> closed = s.closeUpTo(70_000);
        assertThat(closed).extracting(ClosedWindow::windowStart, ClosedWindow::windowEnd, w -> w.aggregate().count())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 60_000L, 2L),
                        org.assertj.core.groups.Tuple.tuple(60_000L, 70_000L, 1L));
        assertThat(s.windows()).isEqualTo(TEN_S);
        assertThat(s.offer(59_000, 4, 0)).isEqualTo(SensorWindowState.Acceptance.LATE);
    }

    @Test
    void windowsClosedBeforeASizeChangeStayClosedAndNoNewWindowSharesAStartWithThem() {
        SensorWindowState s = new SensorWindowState("s", TEN_S);
        s.closeUpTo(100_000); // a quiet sensor's windows, closed ahead of the watermark
        s.changeSize(MINUTE);
        assertThat(s.offer(95_000, 1, 0)).isEqualTo(SensorWindowState.Acceptance.LATE);
        assertThat(s.offer(101_000, 2, 0)).isEqualTo(SensorWindowState.Acceptance.ACCEPTED);
        assertThat(s.offer(125_000, 3, 0)).isEqualTo(SensorWindowState.Acceptance.ACCEPTED);
        assertThat(s.closeUpTo(180_000)).extracting(ClosedWindow::windowStart, ClosedWindow::windowEnd)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(100_000L, 120_000L),
                        org.assertj.core.groups.Tuple.tuple(120_000L, 180_000L));
    }

    @Test
    void aSecondChangeWhileTheFirstIsOpenKeepsEveryOpenWindow() {
        SensorWindowState s = new SensorWindowState("s", TEN_S);
        s.offer(5_000, 1, 0);
        s.changeSize(MINUTE); // [0,10s) stays; then [10s,60s); then minutes
        s.offer(15_000, 2, 0);
        s.changeSize(new TumblingWindows(Duration.ofSeconds(20))); // [10s,60s) stays; 60 s is a 20 s boundary
        s.offer(61_000, 3, 0);
        assertThat(s.closeUpTo(80_000)).extracting(ClosedWindow::windowStart, ClosedWindow::windowEnd)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 10_000L),
                        org.assertj.core.groups.Tuple.tuple(10_000L, 60_000L),
                        org.assertj.core.groups.Tuple.tuple(60_000L, 80_000L));
        assertThat(s.windows()).isEqualTo(new TumblingWindows(Duration.ofSeconds(20)));
    }

    @Test
    void aChangeOfSizeMustTakeEffectAtAWindowBoundary() {
        assertThatThrownBy(() -> MINUTE.changedFrom(TEN_S, 15_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("15000");
        TumblingWindows changed = MINUTE.changedFrom(TEN_S, 20_000);
        assertThat(changed.startOf(19_999)).isEqualTo(10_000);
        assertThat(changed.startOf(20_000)).isEqualTo(20_000);
        assertThat(changed.endOf(20_000)).isEqualTo(60_000);
        assertThat(changed.startOf(60_000)).isEqualTo(60_000);
        assertThat(changed.sizeMillis()).isEqualTo(60_000);
    }
}
