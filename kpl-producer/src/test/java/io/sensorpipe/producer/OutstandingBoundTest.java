package io.sensorpipe.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutstandingBoundTest {

    @Test
    void aRecordFartherThanTheSpanPastTheOldestInFlightWaitsUntilThatOneIsDone() throws Exception {
        OutstandingBound bound = new OutstandingBound(1_000, 1_000_000, 7_500);
        bound.acquire(10, 1_000); // e.g. a record the KPL is retrying
        bound.acquire(10, 5_000);
        bound.acquire(10, 8_500); // exactly the span past the oldest: allowed
        bound.release(10, 5_000); // later records completing do not move the oldest
        CountDownLatch acquired = new CountDownLatch(1);
        Thread source = acquiring(bound, 10, 8_501, acquired);
        assertThat(acquired.await(200, TimeUnit.MILLISECONDS)).as("8,501 is more than 7,500 past 1,000").isFalse();
        bound.release(10, 1_000);
        assertThat(acquired.await(2, TimeUnit.SECONDS)).as("the oldest in flight is now 8,500").isTrue();
        source.join();
        assertThat(bound.outstandingRecords()).isEqualTo(2);
    }

    @Test
    void anOlderRecordAndOneAtTheSameTimeAlwaysPassTheEventTimeBound() throws Exception {
        OutstandingBound bound = new OutstandingBound(1_000, 1_000_000, 0);
        bound.acquire(10, 2_000);
        bound.acquire(10, 2_000);
        bound.acquire(10, 1_000);
        assertThat(bound.outstandingRecords()).isEqualTo(3);
        bound.release(10, 2_000);
        bound.release(10, 1_000);
        Thread source = acquiring(bound, 10, 2_001, new CountDownLatch(1));
        source.join(200);
        assertThat(source.isAlive()).as("one 2,000 is still in flight").isTrue();
        bound.release(10, 2_000);
        source.join(2_000);
        assertThat(source.isAlive()).isFalse();
    }

    @Test
    void releasingAnEventTimeThatIsNotInFlightFailsInsteadOfLeavingAStrayOldest() throws Exception {
        OutstandingBound bound = new OutstandingBound(10, 1_000, 1_000);
        bound.acquire(1, 5_000);
        assertThatThrownBy(() -> bound.release(1, 4_000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("4000");
    }

    @Test
    void withoutAnEventTimeBoundEventTimesDoNotMatter() throws Exception {
        OutstandingBound bound = new OutstandingBound(10, 1_000);
        bound.acquire(1, 0);
        bound.acquire(1, Long.MAX_VALUE);
        assertThat(bound.outstandingRecords()).isEqualTo(2);
    }

    @Test
    void acquireBlocksAtTheRecordBoundUntilASlotIsReleased() throws Exception {
        OutstandingBound bound = new OutstandingBound(2, 1_000_000);
        bound.acquire(10, 0);
        bound.acquire(10, 0);
        CountDownLatch acquired = new CountDownLatch(1);
        Thread source = acquiring(bound, 10, 0, acquired);
        assertThat(acquired.await(200, TimeUnit.MILLISECONDS)).as("third record must wait").isFalse();
        assertThat(bound.outstandingRecords()).isEqualTo(2);

        bound.release(10, 0);
        assertThat(acquired.await(2, TimeUnit.SECONDS)).as("a released slot lets it through").isTrue();
        assertThat(bound.outstandingRecords()).isEqualTo(2);
        assertThat(bound.maxSeenRecords()).isEqualTo(2);
        assertThat(bound.blockedMillis()).as("however late the thread started").isPositive();
        source.join();
    }

    @Test
    void byteBoundBlocksToo() throws Exception {
        OutstandingBound bound = new OutstandingBound(100, 100);
        bound.acquire(60, 0);
        Thread source = acquiring(bound, 60, 0, new CountDownLatch(1));
        source.join(200);
        assertThat(source.isAlive()).as("60 + 60 bytes exceed the 100-byte bound").isTrue();
        bound.release(60, 0);
        source.join(2000);
        assertThat(source.isAlive()).isFalse();
        assertThat(bound.outstandingBytes()).isEqualTo(60);
    }

    @Test
    void aRecordLargerThanTheByteBoundPassesWhenNothingElseIsOutstanding() throws Exception {
        OutstandingBound bound = new OutstandingBound(10, 100);
        bound.acquire(500, 0);
        assertThat(bound.outstandingRecords()).isEqualTo(1);
    }

    @Test
    void awaitEmptyReturnsOnceEverythingIsReleased() throws Exception {
        OutstandingBound bound = new OutstandingBound(10, 1000);
        bound.acquire(1, 0);
        assertThat(bound.awaitEmpty(50, TimeUnit.MILLISECONDS)).isFalse();
        new Thread(() -> bound.release(1, 0)).start();
        assertThat(bound.awaitEmpty(2, TimeUnit.SECONDS)).isTrue();
    }

    /** A source thread, started, that takes a slot for one record and then counts {@code acquired} down. */
    private static Thread acquiring(OutstandingBound bound, long size, long eventTime, CountDownLatch acquired) {
        Thread source = new Thread(() -> {
            try {
                bound.acquire(size, eventTime);
                acquired.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        source.start();
        return source;
    }
}
