package io.sensorpipe.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.Reading;
import io.sensorpipe.source.ReadingSource;
import io.sensorpipe.source.Simulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The run loop wired with a test source and an in-memory writer (the loop takes both as arguments). */
class ProducerRunTest {
    /** Keeps what it is given; acknowledges at once. */
    static final class CollectingWriter implements ReadingWriter {
        final List<Reading> written = new ArrayList<>();
        final CountDownLatch firstWrite = new CountDownLatch(1);
        boolean closed;

        @Override
        public synchronized void write(Reading reading) {
            written.add(reading);
            firstWrite.countDown();
        }

        @Override
        public void flush() {
        }

        @Override
        public synchronized WriterStats stats() {
            return new WriterStats(written.size(), written.size(), 0, 0, 0, 0, 0, -1);
        }

        @Override
        public synchronized ProducerReport close() {
            closed = true;
            return ProducerReport.of("test", "s", stats(), 1, null);
        }
    }

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private static ReadingSource simulator() {
        Simulator sim = new Simulator(Simulator.Settings.forRate(5, 7, 1_764_072_000_000L, 5, 0), label -> { });
        return sim::next;
    }

    @Test
    void stopsAtTheCountAndReportsWhatTheWriterAcknowledged() throws Exception {
        CollectingWriter writer = new CollectingWriter();
        ProducerReport report = new ProducerRun(simulator(), writer, new ProducerRun.Limits(50L, null, 0), QUIET, 0)
                .run();
        assertThat(writer.written).hasSize(50);
        assertThat(writer.closed).isTrue();
        assertThat(report.produced()).isEqualTo(50);
        assertThat(report.balanced()).isTrue();
    }

    @Test
    void endsWithTheSourceInItsOrder() throws Exception {
        List<Reading> readings = new Simulator(Simulator.Settings.forRate(3, 1, 1_764_072_000_000L, 3, 0), l -> { })
                .take(12);
        Iterator<Reading> it = readings.iterator();
        CollectingWriter writer = new CollectingWriter();
        new ProducerRun(() -> it.hasNext() ? it.next() : null, writer, ProducerRun.Limits.unbounded(), QUIET, 0).run();
        assertThat(writer.written).containsExactlyElementsOf(readings);
    }

    @Test
    void requestStopEndsAnEndlessRunAndStillReports() throws Exception {
        CollectingWriter writer = new CollectingWriter();
        // real-time pace: without the stop this would run for ever
        ProducerRun run = new ProducerRun(simulator(), writer, new ProducerRun.Limits(null, null, 1), QUIET, 0);
        Thread stopper = new Thread(() -> {
            try {
                writer.firstWrite.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            run.requestStop();
        });
        stopper.start();
        ProducerReport report = run.run();
        stopper.join();
        assertThat(run.stopRequested()).isTrue();
        assertThat(writer.closed).isTrue();
        assertThat(report.produced()).isEqualTo(writer.written.size()).isPositive();
    }
}
