package io.sensorpipe.kinesis;

import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.contract.MetricNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.ReportsSourceMetrics;
import org.apache.spark.sql.connector.read.streaming.SupportsAdmissionControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Micro-batch reading of one Kinesis stream; each record is read once, by the executors.
 *
 * <p>The driver makes no GetRecords call. A plan ({@link KinesisOffset}) holds every readable shard's position and
 * the event-time ceiling of {@link AlignmentPlan}; it is built from the previous plan's per-shard results, which the
 * executors persisted under the checkpoint ({@link BatchMetadataStore}), and a shard list refreshed every few
 * seconds (or at once when a shard finished, so its children start). The executor reading a shard decides where
 * the batch ends on it, stores that end before returning the records, and a re-run of the plan reads exactly up to
 * the stored end ({@link ShardBatchReader}).
 *
 * <p>Resharding: a child shard becomes readable only after all its parents are finished (closed and read to their
 * end), so per-key order holds and nothing is read twice or skipped.
 */
final class KinesisMicroBatchStream implements MicroBatchStream, SupportsAdmissionControl, ReportsSourceMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(KinesisMicroBatchStream.class);
    /** Reads the per-shard results of a plan in parallel: planning time stays flat as shards grow. */
    private static final ExecutorService METADATA_READERS = Executors.newFixedThreadPool(16, r -> {
        Thread t = new Thread(r, "kinesis-plan-metadata");
        t.setDaemon(true);
        return t;
    });

    private final KinesisSourceOptions options;
    private final KinesisApi kinesis;
    private final BatchMetadataStore store;
    private final EventTimes eventTimes;
    private Listing shardList;
    private long shardListAt;
    private final Map<Long, Long> planningMillis = new ConcurrentHashMap<>();
    /** Per plan: previous results its planning had to read from the files (0 in steady state). */
    private final Map<Long, Long> planningFileReads = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong fileReads = new java.util.concurrent.atomic.AtomicLong();
    private final Map<Long, Map<String, ShardBatchResult>> resultsByPlan = new ConcurrentHashMap<>();
    /** The tasks' results in memory (steady state); the stored files are read only for what is missing here. */
    private final ShardResultsAccumulator reported = new ShardResultsAccumulator();

    KinesisMicroBatchStream(KinesisSourceOptions options, String checkpointLocation) {
        this(options, new SdkKinesisApi(KinesisClients.shared(), options.minGetRecordsIntervalMs()),
                new BatchMetadataStore(checkpointLocation + "/kinesis", hadoopConf(session())));
        this.checkpointLocation = checkpointLocation;
        scala.Option<org.apache.spark.sql.SparkSession> spark = session();
        if (spark.isDefined()) {
            // Unnamed: a named accumulator's whole value would be rendered into the UI events after every task.
            spark.get().sparkContext().register(reported);
        }
    }

    private static scala.Option<org.apache.spark.sql.SparkSession> session() {
        scala.Option<org.apache.spark.sql.SparkSession> spark = org.apache.spark.sql.SparkSession.getActiveSession();
        return spark.isEmpty() ? org.apache.spark.sql.SparkSession.getDefaultSession() : spark;
    }

    /** The job's Hadoop configuration for the source's files; none (Hadoop's defaults) without a live SparkContext. */
    private static io.sensorpipe.hadoop.JobHadoopConf hadoopConf(scala.Option<org.apache.spark.sql.SparkSession> spark) {
        return spark.isEmpty() || spark.get().sparkContext().isStopped() ? null
                : io.sensorpipe.hadoop.JobHadoopConf.broadcast(spark.get().sparkContext());
    }

    /** Spark's location for this source ({@code <checkpoint>/sources/<n>}): the key of a {@link SourceDrain}. */
    private String checkpointLocation;

    /** Where the tasks' results arrive in memory (Spark merges them; tools that run tasks in-process add to it). */
    ShardResultsAccumulator reported() {
        return reported;
    }

    KinesisMicroBatchStream(KinesisSourceOptions options, KinesisApi kinesis, BatchMetadataStore store) {
        this.options = options;
        this.kinesis = kinesis;
        this.store = store;
        this.eventTimes = new EventTimes(options.eventTimeField(), options.maxFutureSkewMs());
    }

    @Override
    public Offset initialOffset() {
        // Spark also asks for it when batch 0 is re-run (it never committed): a record then already says which stream
        // plan 1's stored results belong to, and the re-run and the next plan check it.
        if (recorded() == null) {
            StreamIdentity now = described();
            store.putStreamIdentity(now);
            identity = now;
        }
        StartPosition start = StartPosition.of(options, System.currentTimeMillis());
        Map<String, ShardPosition> shards = discover(Map.of(), listing(true).shards());
        if ("AT_TIMESTAMP".equals(start.type())) {
            // Only these shards' first records can show records lost between an old start and the trim horizon.
            shards.replaceAll((id, p) -> ShardPosition.atQueryStart());
        }
        return new KinesisOffset(start.spec(), 0, AlignmentPlan.LOOK_ONLY, AlignmentPlan.LOOK_ONLY, List.of(), shards);
    }

    @Override
    public Offset latestOffset() {
        throw new UnsupportedOperationException("latestOffset(start, limit) is used (SupportsAdmissionControl)");
    }

    @Override
    public ReadLimit getDefaultReadLimit() {
        return ReadLimit.allAvailable();
    }

    @Override
    public Offset latestOffset(Offset startOffset, ReadLimit limit) {
        if (SourceDrain.requested(checkpointLocation)) {
            return startOffset; // a graceful stop: nothing new is planned, so the query falls idle (see SourceDrain)
        }
        long t0 = System.nanoTime();
        long reads0 = fileReads.get();
        KinesisOffset prev = (KinesisOffset) startOffset;
        KinesisOffset switched = identity == null ? checkStream(prev) : null;
        KinesisOffset next = switched != null ? switched : plan(prev);
        planningMillis.put(next.plan(), (System.nanoTime() - t0) / 1_000_000);
        planningFileReads.put(next.plan(), fileReads.get() - reads0);
        planningMillis.keySet().removeIf(p -> p < next.plan() - BatchMetadataStore.KEEP_PLANS);
        planningFileReads.keySet().removeIf(p -> p < next.plan() - BatchMetadataStore.KEEP_PLANS);
        return next;
    }

    /** The stream this driver's plans read (checked once per driver), or null before the check. */
    private volatile StreamIdentity identity;

    /**
     * Once per driver, before its first plan: whether the checkpoint's positions belong to the stream read now. On
     * another stream (a changed name, or one deleted and created again: the same shard ids, other sequence numbers)
     * they mean nothing: Kinesis refuses them (reported as a misleading data loss), and shard ids the old stream
     * had closed would never be read at all. So this fails naming the ways out, or, with --fail-on-data-loss false,
     * returns the plan that starts every shard of this stream at its trim horizon, the models kept, the switch
     * reported once as a data loss. Returns null when the positions belong to this stream.
     */
    private KinesisOffset checkStream(KinesisOffset prev) {
        StreamIdentity now = described();
        Optional<StreamIdentity> stored = Optional.ofNullable(recorded());
        if (stored.isEmpty()) {
            // Written by a release that did not record its stream: trusted, as it was then.
            store.putStreamIdentity(now);
            identity = now;
            return null;
        }
        StreamIdentity was = stored.get();
        String change;
        if (!was.sameStream(now) && prev.plan() == 0) {
            // nothing was planned on the recorded stream (the record is from an attempt that logged no plan)
            store.putStreamIdentity(now);
            identity = now;
            return null;
        }
        if (!was.sameStream(now)) {
            change = was.differenceTo(now);
            if (options.failOnDataLoss()) {
                throw otherStream(change, now);
            }
        } else if (prev.plan() < was.sincePlan()) {
            // The switch was decided, but its plan never reached the offset log (the driver stopped in between).
            change = was.change();
        } else {
            identity = was;
            if (was.sincePlan() == 0) { // after a switch the start is the switch's (TRIM_HORIZON), not asked for
                warnIfStartIgnored(prev);
            }
            return null;
        }
        long plan = prev.plan() + 1;
        StreamIdentity switched = new StreamIdentity(now.stream(), now.createdAt(), plan, change);
        store.putStreamIdentity(switched);
        identity = switched;
        LOG.warn("{}: reading {} from its trim horizon from plan {} on (--fail-on-data-loss false)", change,
                now.stream(), plan);
        Map<String, ShardPosition> shards = discover(Map.of(), listing(true).shards());
        return new KinesisOffset(StartPosition.parse("TRIM_HORIZON").spec(), plan, AlignmentPlan.LOOK_ONLY,
                AlignmentPlan.LOOK_ONLY, List.of(), shards);
    }

    /** The start position acts on a new checkpoint only: say so when a restart asks for another one. */
    private void warnIfStartIgnored(KinesisOffset prev) {
        StartPosition logged = prev.startPosition();
        boolean differs = switch (options.initialPosition()) {
            case "TRIM_HORIZON" -> !"TRIM_HORIZON".equals(logged.type());
            case "LATEST" -> "TRIM_HORIZON".equals(logged.type()); // LATEST was fixed to a time at its start
            default -> !"AT_TIMESTAMP".equals(logged.type()) || logged.timestampMillis() != options.atTimestampMillis();
        };
        if (differs) {
            LOG.warn("this checkpoint started at {} and goes on from its shards' positions: the start position asked "
                    + "for ({}) acts only on a new checkpoint", logged.spec(), options.initialPosition());
        }
    }

    private IllegalStateException otherStream(String change, StreamIdentity now) {
        return new IllegalStateException(change + ": its shard positions mean nothing on this stream. Either start a "
                + "new checkpoint for it (the models learn again; --warm-start-archive teaches them from the archive), "
                + "or restart with --fail-on-data-loss false (" + JobOptions.ACCEPT_DATA_LOSS_DEPLOYED + ") to read "
                + now.stream() + " from its trim horizon with "
                + "the models kept (what the old stream still held unread is lost: counted and dead-lettered as "
                + "DATA_LOSS)");
    }

    /**
     * Whether plan {@code end} holds another stream's positions: Spark re-runs the last logged plan after a restart
     * when it had not committed, before any new plan. Read there, the positions would fail as a misleading data loss,
     * or (where Kinesis accepts a foreign sequence number) read this stream's records that the switch plan reads again.
     * So by default this fails saying what is wrong, and with --fail-on-data-loss false the plan's tasks read nothing:
     * what it held is the old stream's, reported lost with the switch.
     */
    private boolean ofOtherStream(KinesisOffset end) {
        StreamIdentity recorded = recorded();
        if (recorded == null) {
            return false;
        }
        StreamIdentity now = identity != null ? identity : described();
        if (!recorded.sameStream(now)) {
            if (options.failOnDataLoss()) {
                throw otherStream(recorded.differenceTo(now), now);
            }
            return true;
        }
        return end.plan() < recorded.sincePlan();
    }

    /**
     * The checkpoint's stream record: this driver's once it made its first plan; before that (a re-run of a logged
     * plan comes first) the stored one, read once.
     */
    private StreamIdentity recorded() {
        if (identity != null) {
            return identity;
        }
        if (storedAtStart == null) {
            storedAtStart = store.streamIdentity();
        }
        return storedAtStart.orElse(null);
    }

    private volatile Optional<StreamIdentity> storedAtStart;

    /** This stream, described once per driver (the check before the first plan or re-run). */
    private StreamIdentity described() {
        StreamIdentity d = described;
        if (d == null) {
            d = new StreamIdentity(options.streamName(), kinesis.retention(options.streamName()).createdAtMillis(), 0,
                    null);
            described = d;
        }
        return d;
    }

    private volatile StreamIdentity described;

    /** The change one task of plan {@code plan} reports, when that plan moved the checkpoint to this stream. */
    private String streamChangeOf(long plan) {
        StreamIdentity id = recorded();
        return id != null && id.sincePlan() == plan && id.change() != null ? "stream changed: " + id.change() : null;
    }

    /**
     * The next plan after {@code prev}: its shards' stored ends, new shards, the alignment ceiling. Per shard this
     * is a linear copy and a few hash lookups, no tree search: the plan is rebuilt every batch, so its per-shard
     * cost is what makes planning grow with the shard count.
     */
    KinesisOffset plan(KinesisOffset prev) {
        TreeMap<String, ShardPosition> ends = new TreeMap<>(prev.shards()); // from a sorted map: linear
        boolean newlyFinished = false;
        if (prev.plan() > 0) {
            Map<String, ShardBatchResult> results = results(prev);
            ends.replaceAll((id, pos) -> {
                ShardBatchResult r = results.get(id);
                return r == null ? pos : r.end();
            });
            for (ShardBatchResult r : results.values()) {
                newlyFinished |= r.end().finished();
            }
        }
        Listing listed = listing(newlyFinished);
        int known = 0;
        for (Iterator<Map.Entry<String, ShardPosition>> it = ends.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, ShardPosition> e = it.next();
            if (listed.ids().contains(e.getKey())) {
                known++;
            } else if (e.getValue().finished()) {
                it.remove(); // finished and expired from the listing: never needed again (not even as a parent)
            }
        }
        // Discovery only adds listed shards the plan does not hold yet; usually there are none.
        Map<String, ShardPosition> discovered = known == listed.ids().size() ? ends : discover(ends, listed.shards());
        AlignmentPlan alignment = AlignmentPlan.of(discovered, options.watermarkDelayMs(), prev.ceiling(),
                options.maxRecordsPerShard(), listed.closed());
        long plan = prev.plan() + 1;
        if (plan % 10 == 0) {
            METADATA_READERS.submit(() -> store.purgeBefore(plan)); // off the planning path
        }
        return new KinesisOffset(prev.start(), plan, alignment.ceiling(), alignment.floor(), alignment.leaders(),
                discovered);
    }

    /** Results the tasks of plan {@code p} stored, one per shard it read; fails when one is missing. */
    private Map<String, ShardBatchResult> results(KinesisOffset p) {
        Map<String, ShardBatchResult> cached = resultsByPlan.get(p.plan());
        if (cached != null) {
            return cached;
        }
        Map<String, Future<Optional<ShardBatchResult>>> reads = new TreeMap<>();
        Map<String, ShardBatchResult> out = new HashMap<>(2 * p.shards().size());
        Map<String, ShardBatchResult> reportedForPlan = reported.ofPlan(p.plan());
        for (Map.Entry<String, ShardPosition> e : p.shards().entrySet()) {
            if (planned(p, e.getKey(), e.getValue())) {
                ShardBatchResult inMemory = reportedForPlan == null ? null : reportedForPlan.get(e.getKey());
                if (inMemory != null) {
                    out.put(e.getKey(), inMemory);
                } else {
                    reads.put(e.getKey(), METADATA_READERS.submit(() -> store.get(p.plan(), e.getKey())));
                    fileReads.incrementAndGet();
                }
            }
        }
        for (Map.Entry<String, Future<Optional<ShardBatchResult>>> r : reads.entrySet()) {
            Optional<ShardBatchResult> result;
            try {
                result = r.getValue().get();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while planning " + options.streamName(), ie);
            } catch (java.util.concurrent.ExecutionException ee) {
                throw ee.getCause() instanceof RuntimeException re ? re : new IllegalStateException(ee.getCause());
            }
            // Batch p is committed before the next plan is made, and every task stores its result before returning
            // rows: a missing result means the checkpoint was copied or pruned without its kinesis/ directory.
            // Guessing (re-reading from the start) would count records twice, so say what is wrong instead.
            out.put(r.getKey(), result.orElseThrow(() -> new IllegalStateException("plan " + p.plan()
                    + " of stream " + options.streamName() + " has no stored result for shard " + r.getKey() + " in "
                    + store.dir() + ": the checkpoint is incomplete (copied without its sources/*/kinesis directory?);"
                    + " restore it whole, or start from a new checkpoint")));
        }
        resultsByPlan.put(p.plan(), out);
        resultsByPlan.keySet().removeIf(k -> k < p.plan() - 2);
        reported.forgetBefore(p.plan() - 2);
        return out;
    }

    /**
     * Whether plan {@code p} gives shard {@code id} a task: not when it is finished, nor when the record it saw next
     * is already past the ceiling (the task would fetch a page and consume nothing); such a shard keeps its position.
     */
    static boolean planned(KinesisOffset p, String id) {
        return planned(p, id, p.shards().get(id));
    }

    /** {@link #planned(KinesisOffset, String)} with the shard's position {@code pos} in {@code p} at hand. */
    static boolean planned(KinesisOffset p, String id, ShardPosition pos) {
        if (pos.finished()) {
            return false;
        }
        return pos.nextEventTime() == null || pos.nextEventTime() <= p.ceiling() || p.leads(id);
    }

    /** The listed shards that are closed: with an ending sequence number, or a listed shard's parent. */
    static Set<String> closedShards(List<Shard> listed) {
        Set<String> closed = new HashSet<>();
        for (Shard s : listed) {
            if (s.sequenceNumberRange() != null && s.sequenceNumberRange().endingSequenceNumber() != null) {
                closed.add(s.shardId());
            }
            if (s.parentShardId() != null) {
                closed.add(s.parentShardId());
            }
            if (s.adjacentParentShardId() != null) {
                closed.add(s.adjacentParentShardId());
            }
        }
        return closed;
    }

    /** Adds shards that may be read now: no parent, or every parent known and finished (or expired). */
    static Map<String, ShardPosition> discover(Map<String, ShardPosition> current, List<Shard> listed) {
        Map<String, ShardPosition> shards = new TreeMap<>(current);
        Map<String, Shard> byId = new HashMap<>();
        listed.forEach(s -> byId.put(s.shardId(), s));
        for (Shard s : listed) {
            if (!shards.containsKey(s.shardId()) && parentsFinished(s, shards, byId)) {
                shards.put(s.shardId(), ShardPosition.notStarted());
            }
        }
        return shards;
    }

    private static boolean parentsFinished(Shard s, Map<String, ShardPosition> known, Map<String, Shard> listed) {
        for (String parent : new String[] {s.parentShardId(), s.adjacentParentShardId()}) {
            if (parent == null) {
                continue;
            }
            ShardPosition p = known.get(parent);
            if (p == null) {
                // A parent no longer listed was trimmed by retention: nothing left to read before the child.
                if (listed.containsKey(parent)) {
                    return false;
                }
            } else if (!p.finished()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The shard list: listed at once when {@code refresh} (a shard just finished: its children should start now),
     * otherwise the cached list, refreshed in the background once it is older than {@code shardListRefreshMs}, so
     * ListShards (one call per 100 shards) is not on the planning path.
     */
    private Listing listing(boolean refresh) {
        long now = System.currentTimeMillis();
        synchronized (this) {
            if (!refresh && shardList != null) {
                if (now - shardListAt >= options.shardListRefreshMs() && refreshing == null) {
                    refreshing = java.util.concurrent.CompletableFuture.runAsync(this::refreshShardList, METADATA_READERS)
                            .whenComplete((v, e) -> {
                                synchronized (this) {
                                    refreshing = null;
                                }
                                if (e != null) {
                                    LOG.warn("refreshing the shard list of {}: {}", options.streamName(), e.toString());
                                }
                            });
                }
                return shardList;
            }
        }
        refreshShardList();
        synchronized (this) {
            return shardList;
        }
    }

    /** One listing of the stream and its shard ids, made once per ListShards (not once per plan). */
    private record Listing(List<Shard> shards, Set<String> ids, Set<String> closed) {
        static Listing of(List<Shard> shards) {
            Set<String> ids = new HashSet<>();
            shards.forEach(s -> ids.add(s.shardId()));
            return new Listing(List.copyOf(shards), ids, closedShards(shards));
        }
    }

    private java.util.concurrent.CompletableFuture<Void> refreshing;

    private void refreshShardList() {
        long at = System.currentTimeMillis();
        Listing listed = Listing.of(kinesis.listShards(options.streamName()));
        synchronized (this) {
            if (at >= shardListAt) {
                shardList = listed;
                shardListAt = at;
            }
        }
    }

    @Override
    public InputPartition[] planInputPartitions(Offset startOffset, Offset endOffset) {
        KinesisOffset end = (KinesisOffset) endOffset;
        // Where each shard was read last (only when that plan's results are at hand; a hint, never required).
        Map<String, ShardBatchResult> previous = resultsByPlan.getOrDefault(end.plan() - 1, Map.of());
        boolean readNothing = ofOtherStream(end);
        List<InputPartition> parts = new ArrayList<>();
        String streamChange = streamChangeOf(end.plan()); // reported by the plan's first task only
        for (Map.Entry<String, ShardPosition> e : end.shards().entrySet()) {
            if (!planned(end, e.getKey(), e.getValue())) {
                continue;
            }
            parts.add(new ShardTask(options.streamName(), e.getKey(), end.startPosition(), e.getValue(), end.plan(),
                    end.ceiling(), end.floor(), end.leads(e.getKey()), options.maxRecordsPerShard(),
                    options.minGetRecordsIntervalMs(), store, eventTimes, options.failOnDataLoss(),
                    previous.containsKey(e.getKey()) ? previous.get(e.getKey()).location() : null,
                    parts.isEmpty() ? streamChange : null, readNothing));
        }
        return parts.toArray(new InputPartition[0]);
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
        // An accumulator can only travel registered (inside Spark); elsewhere the driver reads the stored files.
        return new ReaderFactory(reported.isRegistered() ? reported : null);
    }

    @Override
    public Offset deserializeOffset(String json) {
        return KinesisOffset.fromJson(json);
    }

    @Override
    public void commit(Offset end) {
        // Kinesis keeps records for its retention period; progress lives in the checkpoint only.
    }

    @Override
    public void stop() {
    }

    /** The plan whose metrics were reported last (driver side). */
    private volatile long lastReportedPlan = -1;

    /**
     * Source metrics of the batch that ended at {@code latestConsumedOffset}, named as in {@link MetricNames}
     * (Spark puts them in the query progress, {@code sources[0].metrics}): summed over its shards from their
     * stored results, MillisBehindLatest as the max over shards.
     */
    @Override
    public Map<String, String> metrics(Optional<Offset> latestConsumedOffset) {
        Map<String, String> m = new LinkedHashMap<>();
        if (latestConsumedOffset.isEmpty()) {
            return m;
        }
        // The first batch after a restart is reported with the offset as read from the offset log (serialized).
        KinesisOffset o = latestConsumedOffset.get() instanceof KinesisOffset k ? k
                : KinesisOffset.fromJson(latestConsumedOffset.get().json());
        if (o.plan() == 0) {
            return m;
        }
        Map<String, ShardBatchResult> results;
        try {
            results = results(o);
        } catch (RuntimeException e) {
            LOG.warn("source metrics of plan {}: {}", o.plan(), e.toString());
            return m;
        }
        // A batch that planned nothing new (a graceful stop's, SourceDrain) ends at the plan already reported: its
        // reads were counted then, so only the gauges are reported again.
        boolean repeated = o.plan() == lastReportedPlan;
        lastReportedPlan = o.plan();
        long behind = 0;
        long bytes = 0;
        long calls = 0;
        long throttles = 0;
        long losses = 0;
        long records = 0;
        long kinesisRecords = 0;
        for (ShardBatchResult r : results.values()) {
            behind = Math.max(behind, Math.max(0, r.end().millisBehindLatest()));
            bytes += r.bytes();
            calls += r.getRecordsCalls();
            throttles += r.throttles();
            losses += r.dataLoss() == null ? 0 : 1;
            records += r.userRecords();
            kinesisRecords += r.kinesisRecords();
        }
        if (repeated) {
            bytes = calls = throttles = losses = records = kinesisRecords = 0;
        }
        m.put(MetricNames.MILLIS_BEHIND_LATEST, Long.toString(behind));
        m.put(MetricNames.BYTES_READ, Long.toString(bytes));
        m.put(MetricNames.GET_RECORDS_CALLS, Long.toString(calls));
        m.put(MetricNames.READ_THROTTLES, Long.toString(throttles));
        m.put(MetricNames.PLANNING_TIME_MS, Long.toString(repeated ? 0 : planningMillis.getOrDefault(o.plan(), 0L)));
        m.put(MetricNames.DATA_LOSS_EVENTS, Long.toString(losses));
        m.put("KinesisRecordsFetched", Long.toString(kinesisRecords));
        m.put("UserRecordsReturned", Long.toString(records));
        m.put("PlanResultsFromFiles", Long.toString(repeated ? 0 : planningFileReads.getOrDefault(o.plan(), 0L)));
        m.put("Shards", Long.toString(o.shards().values().stream().filter(p -> !p.finished()).count()));
        m.put("Ceiling", Long.toString(o.ceiling()));
        return m;
    }

    /**
     * Executor side. Carries the accumulator (not the partitions): the factory is deserialized with the task's RDD,
     * when Spark registers accumulators with the running task, so its updates reach the driver.
     */
    private static final class ReaderFactory implements PartitionReaderFactory {
        private final ShardResultsAccumulator reported;

        ReaderFactory(ShardResultsAccumulator reported) {
            this.reported = reported;
        }

        @Override
        public PartitionReader<InternalRow> createReader(InputPartition partition) {
            ShardTask task = (ShardTask) partition;
            ShardBatchReader reader = new ShardBatchReader(
                    new SdkKinesisApi(KinesisClients.shared(), task.minGetRecordsIntervalMs()), System::currentTimeMillis,
                    ReadAheadBuffer.shared());
            ShardBatchReader.Output out = reader.read(task);
            if (reported != null) {
                reported.add(new ShardResultsAccumulator.Reported(task.plan(), task.shardId(), out.result()));
            }
            return new UserRecordReader(task, out.records());
        }
    }
}
