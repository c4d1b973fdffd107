package io.sensorpipe.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutstandingBoundTest {

    @Test
    void recordsInFlightForADisorderAreTheReadingsOfThatMuchEventTimeWithinTheDefaultBound() {
        assertThat(OutstandingBound.recordsWithin(20, java.time.Duration.ofMillis(7_500))).isEqualTo(150);
        assertThat(OutstandingBound.recordsWithin(100_000, java.time.Duration.ofMinutes(1)))
                .isEqualTo(ProducerConfig.DEFAULT_MAX_OUTSTANDING_RECORDS);
        assertThat(OutstandingBound.recordsWithin(0.1, java.time.Duration.ofSeconds(1))).as("at least one").isEqualTo(1);
    }


    @Test
    void acquireBlocksAtTheRecordBoundUntilASlotIsReleased() throws Exception {
        OutstandingBound bound = new OutstandingBound(2, 1_000_000);
        bound.acquire(10);
        bound.acquire(10);
        CountDownLatch acquired = new CountDownLatch(1);
        Thread source = new Thread(() -> {
            try {
                bound.acquire(10);
                acquired.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        source.start();
        assertThat(acquired.await(200, TimeUnit.MILLISECONDS)).as("third record must wait").isFalse();
        assertThat(bound.outstandingRecords()).isEqualTo(2);

        bound.release(10);
        assertThat(acquired.await(2, TimeUnit.SECONDS)).as("a released slot lets it through").isTrue();
        assertThat(bound.outstandingRecords()).isEqualTo(2);
        assertThat(bound.maxSeenRecords()).isEqualTo(2);
        assertThat(bound.blockedMillis()).isGreaterThanOrEqualTo(150);
        source.join();
    }

    @Test
    void byteBoundBlocksToo() throws Exception {
        OutstandingBound bound = new OutstandingBound(100, 100);
        bound.acquire(60);
        Thread source = new Thread(() -> {
            try {
                bound.acquire(60);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        source.start();
        source.join(200);
        assertThat(source.isAlive()).as("60 + 60 bytes exceed the 100-byte bound").isTrue();
        bound.release(60);
        source.join(2000);
        assertThat(source.isAlive()).isFalse();
        assertThat(bound.outstandingBytes()).isEqualTo(60);
    }

    @Test
    void aRecordLargerThanTheByteBoundPassesWhenNothingElseIsOutstanding() throws Exception {
        OutstandingBound bound = new OutstandingBound(10, 100);
        bound.acquire(500);
        assertThat(bound.outstandingRecords()).isEqualTo(1);
    }

    @Test
    void awaitEmptyReturnsOnceEverythingIsReleased() throws Exception {
        OutstandingBound bound = new OutstandingBound(10, 1000);
        bound.acquire(1);
        assertThat(bound.awaitEmpty(50, TimeUnit.MILLISECONDS)).isFalse();
        new Thread(() -> bound.release(1)).start();
        assertThat(bound.awaitEmpty(2, TimeUnit.SECONDS)).isTrue();
    }
}
