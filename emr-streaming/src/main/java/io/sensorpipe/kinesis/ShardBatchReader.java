package io.sensorpipe.kinesis;

import io.sensorpipe.contract.JobOptions;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * Executor side of one {@link ShardTask}: reads the shard once, decides where the batch ends (alignment ceiling,
 * cap, shard tip, shard end), persists that end with {@link BatchMetadataStore} and only then returns the records.
 * When the store already has a result for (plan, shard), this is a re-run: it reads exactly up to that end.
 *
 * <p>Empty pages advance: the reader follows {@code NextShardIterator} across them within a task and leaves the
 * iterator as a hint for the next plan, so an empty stretch is not read again; a closed shard whose iterator runs
 * out is finished even when its last pages were empty.
 */
public final class ShardBatchReader {
    private static final Logger LOG = LoggerFactory.getLogger(ShardBatchReader.class);
    /** An iterator is valid for 5 minutes; a hint older than this is not used. */
    static final long ITERATOR_HINT_MAX_AGE_MS = 4 * 60_000;
    /** GetRecords calls one task makes at most (5/s per shard: about 4 s). */
    static final int MAX_CALLS_PER_TASK = 20;
    /**
     * Empty pages while the shard is behind its tip that one task follows besides those (about 20 s more): Kinesis
     * crosses a stretch without records a page at a time, and one longer than a task's calls, whose iterator hint
     * expired between tasks (a batch of hundreds of shards can outlast it), was never crossed.
     */
    static final int MAX_EMPTY_PAGES_PER_TASK = 100;
    /**
     * Consecutive empty pages a re-run follows to its stored end (about 10 minutes at 5 calls/s): the first attempt
     * may have crossed a long empty stretch over several plans with iterator hints, which the re-run walks at once.
     */
    static final int MAX_EMPTY_PAGES_REPLAYED = 3_000;
    /** Kinesis records one task consumes at most, even to reach the plan's floor. */
    static final int HARD_CAP = 10_000;
    /** Page size while the shard's record density in event time is unknown. */
    static final int FIRST_PAGE = 10;
    /** Marker user record emitted for a data loss; the job's parser rejects it as {@code DATA_LOSS}. */
    public static final String DATA_LOSS_FIELD = io.sensorpipe.schema.ReadingParser.DATA_LOSS_MARKER_FIELD;

    /** Stands for "no iterator known after the buffered records": a new one is asked for after the last of them. */
    private static final String NEED_ITERATOR = "\u0000need-iterator";

    private final KinesisApi api;
    private final LongSupplier clock;
    private final ReadAheadBuffer buffer;

    /** A reader whose read-ahead lives only as long as this instance (tests, tools). */
    public ShardBatchReader(KinesisApi api, LongSupplier clock) {
        this(api, clock, new ReadAheadBuffer(ReadAheadBuffer.MAX_RECORDS_PER_SHARD,
                ReadAheadBuffer.MAX_BYTES_PER_SHARD, ReadAheadBuffer.MAX_BYTES_TOTAL));
    }

    /** {@code buffer}: records fetched past a task's stop, kept for the next task of the shard (executor-local). */
    public ShardBatchReader(KinesisApi api, LongSupplier clock, ReadAheadBuffer buffer) {
        this.api = api;
        this.clock = clock;
        this.buffer = buffer;
    }

    /** The records of one task (user records, de-aggregated; a data-loss marker first when one was found). */
    public record Output(List<KinesisClientRecord> records, ShardBatchResult result) {
    }

    public Output read(ShardTask task) {
        long calls0 = api.stats().getRecordsCalls();
        long bytes0 = api.stats().bytes();
        long kin0 = api.stats().records();
        long thr0 = api.stats().throttles();
        var stored = task.store().get(task.plan(), task.shardId());
        if (task.readNothing()) {
            // nothing emitted, so nothing reported either (a loss its first attempt found is the old stream's too)
            ShardBatchResult kept = stored.orElseGet(() -> task.store().putIfAbsent(task.plan(), task.shardId(),
                    new ShardBatchResult(task.from(), false, null, 0, 0, 0, 0, 0, executorLocation())));
            return new Output(new ArrayList<>(), new ShardBatchResult(kept.end(), kept.fromTrimHorizon(), null, 0, 0,
                    0, 0, 0, kept.location()));
        }
        Output out;
        if (stored.isPresent()) {
            out = replayed(task, stored.get());
        } else {
            out = readFresh(task, calls0, bytes0, kin0, thr0);
        }
        return out;
    }

    // ---- first attempt

    private Output readFresh(ShardTask task, long calls0, long bytes0, long kin0, long thr0) {
        ShardPosition from = task.from();
        long now = clock.getAsLong();
        String lossMessage = null;
        boolean fromTrimHorizon = false;
        String iterator;
        String key = bufferPosition(task, from, from.afterSequenceNumber());
        ReadAheadBuffer.Entry buffered = key == null ? null : buffer.take(task.stream(), task.shardId(), key, now);
        GetRecordsResponse bufferedPage = null;
        if (buffered != null) {
            // Served from what the previous task of this shard fetched past its stop: no call for these records.
            String next = buffered.iteratorKnown()
                    && (buffered.iterator() == null || now - buffered.iteratorAtMillis() < ITERATOR_HINT_MAX_AGE_MS)
                    ? buffered.iterator() : NEED_ITERATOR;
            bufferedPage = GetRecordsResponse.builder().records(buffered.records())
                    .millisBehindLatest(buffered.millisBehindLatest()).nextShardIterator(next).build();
            iterator = NEED_ITERATOR;
        } else if (from.iterator() != null && now - from.iteratorAtMillis() < ITERATOR_HINT_MAX_AGE_MS) {
            iterator = from.iterator();
        } else {
            try {
                iterator = api.shardIterator(task.start().iteratorRequest(task.stream(), task.shardId(),
                        from.afterSequenceNumber()));
            } catch (KinesisApi.PositionLostException e) {
                lossMessage = lossMessage(task, from.nextSequenceNumber(), "the trim horizon", e.getMessage());
                fromTrimHorizon = true;
                try {
                    iterator = trimHorizon(task);
                } catch (KinesisApi.PositionLostException gone) {
                    iterator = null; // the shard itself expired from the stream: nothing left to read on it
                }
            }
        }
        List<Record> consumed = new ArrayList<>();
        // After a loss the lost position is never asked for again: "nothing consumed" means the trim horizon, so the
        // next plan does not report the loss twice and a re-run does not look for a record that is gone.
        String lastSeq = fromTrimHorizon ? null : from.afterSequenceNumber();
        Long lastTs = from.lastEventTime();
        Long firstTs = null;
        Long nextTs = null;
        String nextSeq = null;
        boolean idle = false;
        boolean finished = iterator == null;
        boolean stopped = false;
        boolean firstChecked = fromTrimHorizon;
        long behind = from.millisBehindLatest();
        double rps = from.recordsPerSecond();
        List<Record> leftover = List.of();
        String leftoverIterator = null;
        long leftoverAt = 0;
        long lastPageAt = now;
        int emptyPages = 0;
        for (int call = 0; call < MAX_CALLS_PER_TASK && iterator != null; call++) {
            GetRecordsResponse r;
            int limit;
            long pageAt;
            boolean fromBuffer = bufferedPage != null;
            if (fromBuffer) {
                r = bufferedPage;
                bufferedPage = null;
                limit = Integer.MAX_VALUE;
                pageAt = buffered.iteratorAtMillis();
                call--; // not a call
            } else {
                if (NEED_ITERATOR.equals(iterator)) {
                    iterator = api.shardIterator(task.start().iteratorRequest(task.stream(), task.shardId(), lastSeq));
                }
                limit = pageLimit(task, consumed.size(), lastTs != null ? lastTs : from.eventTimePosition(), rps);
                r = api.getRecords(task.stream(), task.shardId(), iterator, limit);
                pageAt = clock.getAsLong();
            }
            if (r == null) { // expired (an old hint, or a slow page): ask again from the position
                iterator = fromTrimHorizon && lastSeq == null ? trimHorizon(task)
                        : api.shardIterator(task.start().iteratorRequest(task.stream(), task.shardId(), lastSeq));
                continue;
            }
            if (r.millisBehindLatest() != null) {
                behind = r.millisBehindLatest();
            }
            lastPageAt = pageAt;
            List<Record> page = r.records();
            if (!fromBuffer && page.isEmpty() && behind > 0 && emptyPages < MAX_EMPTY_PAGES_PER_TASK) {
                emptyPages++;
                call--; // crossing a stretch without records: counted apart (see MAX_EMPTY_PAGES_PER_TASK)
            }
            for (int i = 0; i < page.size(); i++) {
                Record rec = page.get(i);
                if (!firstChecked) {
                    firstChecked = true;
                    if (from.startCheck() && from.afterSequenceNumber() == null) {
                        lossMessage = startBehindRetention(task, rec, now);
                    }
                    String expected = from.nextSequenceNumber();
                    if (expected != null && !expected.equals(rec.sequenceNumber())
                            && seq(rec.sequenceNumber()).compareTo(seq(expected)) > 0) {
                        // Kinesis answered from past the record we saw next last time: it was trimmed.
                        lossMessage = lossMessage(task, expected, "sequence number " + rec.sequenceNumber(),
                                "first record returned is past the expected next one");
                    }
                }
                List<KinesisClientRecord> users = Deaggregation.userRecords(List.of(rec));
                EventTimes.Span span = task.eventTimes().span(users, rec.approximateArrivalTimestamp() == null
                        ? now : rec.approximateArrivalTimestamp().toEpochMilli());
                boolean underCap = consumed.size() < task.maxRecords()
                        || (span != null && span.max() <= task.floor() && consumed.size() < HARD_CAP);
                // A leader may pass the ceiling only with a record that starts inside it (a KPL aggregate spanning
                // more than the delay); a record wholly past it would pull the watermark ahead of the other shards'
                // backlog. Stopping reports its time, and the next plan's ceiling reaches it.
                boolean inTime = span == null || span.max() <= task.ceiling()
                        || (task.leader() && consumed.isEmpty() && span.min() <= task.ceiling());
                if (!underCap || !inTime) {
                    nextTs = span == null ? null : span.min();
                    nextSeq = rec.sequenceNumber();
                    stopped = true;
                    leftover = page.subList(i, page.size());
                    leftoverIterator = r.nextShardIterator();
                    leftoverAt = pageAt;
                    break;
                }
                consumed.add(rec);
                lastSeq = rec.sequenceNumber();
                if (span != null) {
                    lastTs = lastTs == null ? span.max() : Math.max(lastTs, span.max());
                    firstTs = firstTs == null ? span.min() : Math.min(firstTs, span.min());
                }
            }
            if (stopped) {
                break;
            }
            if (firstTs != null && lastTs != null && lastTs > firstTs && consumed.size() > 1) {
                rps = consumed.size() * 1000.0 / (lastTs - firstTs); // size the next page from what this one showed
            }
            iterator = r.nextShardIterator();
            if (iterator == null) {
                finished = true; // closed and read to its end, even if the last pages were empty
                break;
            }
            boolean pastFloor = task.floor() == AlignmentPlan.LOOK_ONLY || lastTs == null || lastTs > task.floor();
            if ((consumed.size() >= task.maxRecords() && pastFloor) || consumed.size() >= HARD_CAP) {
                break;
            }
            if (!fromBuffer && behind == 0 && r.records().size() < limit) {
                idle = true; // at the tip: nothing more to fetch now
                break;
            }
        }
        if (!stopped && !finished && !idle && task.floor() != AlignmentPlan.LOOK_ONLY
                && (lastTs == null || lastTs < task.floor())) {
            // Out of calls or at the hard cap before the floor: the next plan starts from here; say so, since
            // readings of this shard between here and the floor may now find their windows closed.
            LOG.warn("shard {} of {} stopped at event time {} before the plan's floor {} ({} records, {} calls)",
                    task.shardId(), task.stream(), lastTs, task.floor(), consumed.size(), MAX_CALLS_PER_TASK);
        }
        if (lossMessage != null) {
            failIfAsked(task, lossMessage);
        }
        if (task.streamChange() != null) {
            // The plan that moved the checkpoint to another stream (asked for with --fail-on-data-loss false): what
            // the old stream still held unread is counted here, once, like any loss (a re-run replays the marker).
            lossMessage = lossMessage == null ? task.streamChange() : task.streamChange() + "; " + lossMessage;
        }
        if (firstTs != null && lastTs != null && lastTs > firstTs && consumed.size() > 1) {
            rps = consumed.size() * 1000.0 / (lastTs - firstTs);
        }
        boolean keepHint = !stopped && !finished && iterator != null && !NEED_ITERATOR.equals(iterator);
        // Nothing consumed after a loss: seq null resumes at the start position, which is behind the lost record and
        // so answers from the trim horizon (nextSeq, when seen, lets the next read detect a further trim).
        ShardPosition end = new ShardPosition(lastSeq, finished, stopped ? nextTs : null, lastTs,
                stopped ? nextSeq : null, idle && !stopped, behind, keepHint ? iterator : null,
                keepHint ? lastPageAt : 0, rps, from.startCheck() && !firstChecked && !idle && !finished);
        List<KinesisClientRecord> users = Deaggregation.userRecords(consumed);
        ReadStats s = api.stats();
        ShardBatchResult result = new ShardBatchResult(end, fromTrimHorizon, lossMessage,
                users.size() + (lossMessage == null ? 0 : 1), s.records() - kin0, s.bytes() - bytes0,
                s.getRecordsCalls() - calls0, s.throttles() - thr0, executorLocation());
        String leftoverKey = bufferPosition(task, from, lastSeq);
        if (stopped && lossMessage == null && !fromTrimHorizon && leftoverKey != null) {
            // Keyed by the last consumed record: valid for whichever task starts there next (records never change).
            boolean known = !NEED_ITERATOR.equals(leftoverIterator);
            buffer.put(task.stream(), task.shardId(), leftoverKey, leftover, known ? leftoverIterator : null, known,
                    leftoverAt, behind);
        }
        ShardBatchResult kept = task.store().putIfAbsent(task.plan(), task.shardId(), result);
        if (kept != result) { // another attempt stored first: return what it read
            return replayed(task, kept);
        }
        if (lossMessage != null) {
            LOG.warn("{} (continuing from the trim horizon: --fail-on-data-loss false)", lossMessage);
            users.add(0, marker(task, lossMessage, 0));
        }
        return new Output(users, result);
    }

    /**
     * The buffer's key for a position: the last consumed sequence number, or before the first record the start
     * position (TRIM_HORIZON or a fixed AT_TIMESTAMP, LATEST included: it is fixed when the query starts).
     */
    private static String bufferPosition(ShardTask task, ShardPosition from, String afterSequenceNumber) {
        if (afterSequenceNumber != null) {
            return afterSequenceNumber;
        }
        // No sequence number after records were read: the trim horizon after a loss, which moves; a "start" entry
        // left by an earlier task would serve records this shard has consumed since. Not buffered.
        return from.lastEventTime() == null ? "start " + task.start().spec() : null;
    }

    /**
     * The first record a shard returns from an AT_TIMESTAMP start: when the timestamp is older than the stream's
     * retention (and the stream already existed then), Kinesis silently starts at its trim horizon, and whatever
     * the shard held between the timestamp and the horizon is gone. That is a (possible) data loss like a trimmed
     * sequence number, handled by the same rule: Kinesis cannot say whether records were there (the Kafka source's
     * failOnDataLoss is the same "possibly lost"). Null when nothing can have been lost. Asked only at the first
     * record of a shard listed at the query start ({@link ShardPosition#startCheck()}): judged later (a shard idle
     * for longer than the retention, a child shard), the old start would report a loss that is none.
     */
    private String startBehindRetention(ShardTask task, Record first, long now) {
        if (!"AT_TIMESTAMP".equals(task.start().type())) {
            return null;
        }
        KinesisApi.Retention r = api.retention(task.stream());
        long horizon = now - r.retentionMillis();
        long lostFrom = Math.max(task.start().timestampMillis(), r.createdAtMillis());
        if (lostFrom >= horizon) {
            return null;
        }
        Instant arrived = first.approximateArrivalTimestamp();
        return "data loss on shard " + task.shardId() + " of stream " + task.stream() + ": records from "
                + task.start().spec() + " (" + Instant.ofEpochMilli(task.start().timestampMillis()) + ") up to the "
                + "trim horizon (" + Instant.ofEpochMilli(horizon) + "; first record returned: sequence number "
                + first.sequenceNumber() + (arrived == null ? "" : ", arrived " + arrived) + ") are behind the "
                + "stream's retention (" + r.retentionMillis() / 3_600_000 + " h) and were not read (the start "
                + "timestamp is older than the retention)";
    }

    private int pageLimit(ShardTask task, int consumed, Long position, double rps) {
        // What is fetched past the stop is kept for the next task (read-ahead buffer): a page may be as large as the
        // rest of the cap even when the ceiling is near (or the task only looks at the shard's next event time), so
        // a sparse shard reads one full page for several batches.
        int rest = Math.min(Math.max(task.maxRecords() - consumed, 0) + 1, buffer.maxRecordsPerShard());
        if (task.ceiling() == AlignmentPlan.LOOK_ONLY && !task.leader()) {
            return Math.max(1, rest);
        }
        return Math.max(sizedToCeiling(task, consumed, position, rps), rest);
    }

    private int sizedToCeiling(ShardTask task, int consumed, Long position, double rps) {
        // +1: see the next record's event time. Past the cap only records up to the floor may still be consumed.
        int remaining = Math.max(task.maxRecords() - consumed, 0) + 1;
        if (task.ceiling() == AlignmentPlan.UNBOUNDED || position == null) {
            return Math.min(remaining, position == null ? FIRST_PAGE : HARD_CAP);
        }
        if (rps <= 0) {
            return Math.min(remaining, FIRST_PAGE);
        }
        long toCeiling = estimate(rps, task.ceiling() - position);
        long toFloor = estimate(rps, task.floor() - position);
        long limit = Math.min(toCeiling, Math.max(remaining, toFloor));
        return (int) Math.max(2, Math.min(limit, Math.min(HARD_CAP - consumed + 1, 10_000)));
    }

    /** Records expected within {@code millis} of event time, plus the next one (its time ends the read). */
    private static long estimate(double rps, long millis) {
        return (long) Math.ceil(rps * Math.max(0, millis) / 1000.0) + 1;
    }

    private String trimHorizon(ShardTask task) {
        return api.shardIterator(GetShardIteratorRequest.builder().streamName(task.stream()).shardId(task.shardId())
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON).build());
    }

    private static String lossMessage(ShardTask task, String lostFrom, String lostTo, String why) {
        ShardPosition p = task.from();
        String fromText = lostFrom != null ? "sequence number " + lostFrom
                : p.afterSequenceNumber() != null ? "after sequence number " + p.afterSequenceNumber()
                : task.start().spec();
        String time = p.eventTimePosition() == null ? "" : " (event time " + Instant.ofEpochMilli(p.eventTimePosition()) + ")";
        return "data loss on shard " + task.shardId() + " of stream " + task.stream() + ": records from " + fromText
                + time + " up to " + lostTo + " are behind the stream's retention and were not read (" + why + ")";
    }

    private static void failIfAsked(ShardTask task, String lossMessage) {
        if (task.failOnDataLoss()) {
            throw new IllegalStateException(lossMessage + ". Restart with --fail-on-data-loss false ("
                    + JobOptions.ACCEPT_DATA_LOSS_DEPLOYED + ") to continue from the trim horizon (the gap is counted and"
                    + " dead-lettered as DATA_LOSS).");
        }
    }

    /** {@code sub}: 0 for the loss found by the first attempt, 1 for one found by a re-run (distinct rows). */
    private static KinesisClientRecord marker(ShardTask task, String message, int sub) {
        String json = "{\"" + DATA_LOSS_FIELD + "\":" + io.sensorpipe.schema.ReadingCodec.toJson(message)
                + ",\"shardId\":" + io.sensorpipe.schema.ReadingCodec.toJson(task.shardId()) + "}";
        return KinesisClientRecord.builder().data(java.nio.ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)))
                .partitionKey(task.shardId())
                .sequenceNumber("DATA_LOSS-" + task.plan() + "-" + task.shardId()).subSequenceNumber(sub)
                .approximateArrivalTimestamp(Instant.ofEpochMilli(0)).build();
    }

    /** Spark's name for this executor as a task location ({@code ExecutorCacheTaskLocation}); null outside Spark. */
    static String executorLocation() {
        org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
        if (env == null || env.blockManager() == null || env.blockManager().blockManagerId() == null) {
            return null;
        }
        return "executor_" + env.blockManager().blockManagerId().host() + "_" + env.executorId();
    }

    private static BigInteger seq(String s) {
        return new BigInteger(s);
    }

    // ---- re-run of a stored plan

    private Output replayed(ShardTask task, ShardBatchResult stored) {
        List<KinesisClientRecord> users = new ArrayList<>();
        String loss = replay(task, stored, users);
        if (loss == null) {
            return new Output(users, stored);
        }
        failIfAsked(task, loss);
        LOG.warn("{} (re-run continues with what survives: --fail-on-data-loss false)", loss);
        users.add(stored.dataLoss() == null ? 0 : 1, marker(task, loss, 1));
        // The end is unchanged (the next plan starts there); the loss is reported with this attempt's result.
        String both = stored.dataLoss() == null ? loss : stored.dataLoss() + "; " + loss;
        return new Output(users, new ShardBatchResult(stored.end(), stored.fromTrimHorizon(), both,
                users.size(), stored.kinesisRecords(), stored.bytes(), stored.getRecordsCalls(), stored.throttles(),
                stored.location()));
    }

    /**
     * Adds the stored range's user records to {@code users} (the stored loss marker first); returns a loss message
     * when records of the range were trimmed since the first attempt (they never change otherwise: fewer user
     * records than stored, or the stored end is gone), else null.
     */
    private String replay(ShardTask task, ShardBatchResult stored, List<KinesisClientRecord> users) {
        if (stored.dataLoss() != null) {
            users.add(marker(task, stored.dataLoss(), 0));
        }
        String endSeq = stored.end().afterSequenceNumber();
        String fromSeq = stored.fromTrimHorizon() ? null : task.from().afterSequenceNumber();
        long expected = stored.userRecords() - (stored.dataLoss() == null ? 0 : 1);
        // expected 0 with an end: stored before the trim-horizon fix, the lost position kept as end; nothing to read.
        if (endSeq == null || endSeq.equals(fromSeq) || expected <= 0) {
            return null;
        }
        BigInteger end = seq(endSeq);
        List<Record> out = new ArrayList<>();
        boolean atHorizon = stored.fromTrimHorizon();
        String why = null;
        String iterator;
        try {
            iterator = atHorizon ? trimHorizon(task)
                    : api.shardIterator(task.start().iteratorRequest(task.stream(), task.shardId(), fromSeq));
        } catch (KinesisApi.PositionLostException e) {
            why = e.getMessage();
            atHorizon = true;
            iterator = trimHorizonOrNull(task);
        }
        boolean reached = false;
        boolean past = false;
        int emptyAfterCalls = 0;
        while (iterator != null && emptyAfterCalls < MAX_EMPTY_PAGES_REPLAYED) {
            GetRecordsResponse r = api.getRecords(task.stream(), task.shardId(), iterator, 10_000);
            if (r == null) {
                String after = out.isEmpty() ? (atHorizon ? null : fromSeq) : out.get(out.size() - 1).sequenceNumber();
                try {
                    iterator = after == null && atHorizon ? trimHorizon(task)
                            : api.shardIterator(task.start().iteratorRequest(task.stream(), task.shardId(), after));
                } catch (KinesisApi.PositionLostException e) {
                    why = e.getMessage();
                    atHorizon = true;
                    out.clear(); // trimmed while re-running: count from what the trim horizon still has
                    iterator = trimHorizonOrNull(task);
                }
                continue;
            }
            for (Record rec : r.records()) {
                if (seq(rec.sequenceNumber()).compareTo(end) > 0) {
                    past = true;
                    break;
                }
                out.add(rec);
                if (rec.sequenceNumber().equals(endSeq)) {
                    reached = true;
                    break;
                }
            }
            if (reached || past) {
                break;
            }
            if (r.records().isEmpty() && Long.valueOf(0).equals(r.millisBehindLatest())) {
                break; // at the tip without the stored end: it was trimmed, and all after it
            }
            iterator = r.nextShardIterator();
            emptyAfterCalls = r.records().isEmpty() ? emptyAfterCalls + 1 : 0;
        }
        List<KinesisClientRecord> survivors = Deaggregation.userRecords(out);
        users.addAll(survivors);
        if (reached && survivors.size() >= expected) {
            return null;
        }
        if (!reached && !past && iterator != null && emptyAfterCalls >= MAX_EMPTY_PAGES_REPLAYED) {
            throw new IllegalStateException("re-running plan " + task.plan() + " on shard " + task.shardId() + " of "
                    + task.stream() + ": sequence number " + endSeq + " stored by its first attempt was not reached "
                    + "(read " + out.size() + " records); the checkpoint cannot be replayed exactly.");
        }
        String to = out.isEmpty() ? "the batch's stored end (sequence number " + endSeq + ")"
                : "sequence number " + out.get(0).sequenceNumber();
        return lossMessage(task, null, to, "re-running plan " + task.plan() + ": " + (expected - survivors.size())
                + " of its " + expected + " records were trimmed since its first attempt"
                + (why == null ? "" : " (" + why + ")"));
    }

    /** The trim horizon's iterator, or null when the shard itself expired from the stream. */
    private String trimHorizonOrNull(ShardTask task) {
        try {
            return trimHorizon(task);
        } catch (KinesisApi.PositionLostException gone) {
            return null;
        }
    }
}
