package io.sensorpipe.archive.replay;

import io.sensorpipe.producer.ProducerReport;
import io.sensorpipe.producer.ReadingWriter;
import io.sensorpipe.schema.ParseResult;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.ReadingParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Re-publishes the archived readings of an event-time range through the producer's {@link ReadingWriter}.
 *
 * <p>The archive is partitioned by arrival time, so the scan covers [from - skew, to + lateness) and keeps readings
 * whose event time {@code ts} is in [from, to): a reading that arrived up to {@code lateness} after its event time,
 * or whose sensor clock ran up to {@code skew} ahead, is still found.
 */
public final class Replayer {
    private final ArchiveReader reader;
    private final ReadingParser parser = ReadingParser.withoutTimeBounds();

    public Replayer(ArchiveReader reader) {
        this.reader = reader;
    }

    public ReplayReport replay(Instant from, Instant to, Duration lateness, Duration skew, ReadingWriter writer,
                               Consumer<String> progress) throws InterruptedException {
        long started = System.nanoTime();
        List<String> keys = reader.dataObjectKeys(from.minus(skew), to.plus(lateness));
        progress.accept("replay: " + keys.size() + " objects in s3://" + reader.bucket() + " cover " + from + " .. " + to);
        long[] counts = new long[4]; // lines, replayed, outside range, malformed
        long lastProgress = System.nanoTime();
        int objectsRead = 0;
        List<String> damaged = new ArrayList<>();
        for (String key : keys) {
            InterruptedException[] interrupted = new InterruptedException[1];
            try {
                reader.forEachLine(key, line -> {
                    if (interrupted[0] != null) {
                        return;
                    }
                    counts[0]++;
                    ParseResult parsed = parser.parse(line.getBytes(StandardCharsets.UTF_8));
                    if (!parsed.isValid()) {
                        counts[3]++;
                        return;
                    }
                    Reading r = parsed.reading();
                    if (r.ts() < from.toEpochMilli() || r.ts() >= to.toEpochMilli()) {
                        counts[2]++;
                        return;
                    }
                    try {
                        writer.write(r);
                        counts[1]++;
                    } catch (InterruptedException e) {
                        interrupted[0] = e;
                    }
                });
            } catch (ArchiveReader.DamagedObject e) {
                // the readings before the damage are written; the rest of the range still is replayed
                damaged.add(e.getMessage());
                progress.accept("replay: " + e.getMessage() + ": its readings after the damage are not replayed; "
                        + "going on with the other objects");
            }
            if (interrupted[0] != null) {
                throw interrupted[0];
            }
            objectsRead++;
            if (System.nanoTime() - lastProgress > 2_000_000_000L || objectsRead == keys.size()) {
                progress.accept("replay: " + objectsRead + "/" + keys.size() + " objects, " + counts[1]
                        + " readings written (" + writer.stats().acknowledged() + " acknowledged)");
                lastProgress = System.nanoTime();
            }
        }
        ProducerReport writerReport = writer.close();
        long elapsed = (System.nanoTime() - started) / 1_000_000;
        return new ReplayReport(from.toString(), to.toString(), keys.size(), counts[0], counts[1], counts[2], counts[3],
                damaged, elapsed, writerReport);
    }
}
