package io.sensorpipe.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/** The executor's read of one shard in one plan, on scripted pages (those kinesis-mock never returns). */
class ShardBatchReaderTest {
    private static final long NOW = 10_000_000L;
    private static final EventTimes TIMES = new EventTimes("ts", 60_000);

    @TempDir
    Path tmp;
    private long plans;

    private ShardTask task(ScriptedShard shard, ShardPosition from, long plan, long ceiling, boolean leader, int cap,
                           boolean failOnLoss) {
        return new ShardTask("s", shard.shardId, StartPosition.parse("TRIM_HORIZON"), from, plan, ceiling,
                AlignmentPlan.LOOK_ONLY, leader, cap,
                0, new BatchMetadataStore(tmp.resolve("meta").toString()), TIMES, failOnLoss);
    }

    private ShardBatchReader.Output read(ScriptedShard shard, ShardTask task) {
        return new ShardBatchReader(shard, () -> NOW).read(task);
    }

    private static List<String> bodies(ShardBatchReader.Output out) {
        return out.records().stream().map(ShardBatchReaderTest::body).toList();
    }

    private static String body(KinesisClientRecord r) {
        byte[] b = new byte[r.data().remaining()];
        r.data().duplicate().get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void emptyPagesWhileRecordsFollowAreFollowedWithinTheTask() {
        ScriptedShard shard = new ScriptedShard("shard-0").add("a").add("b");
        shard.emptyPagesBefore.put(0, 3);
        ShardBatchReader.Output out = read(shard, task(shard, ShardPosition.notStarted(), 1, AlignmentPlan.UNBOUNDED,
                false, 100, true));
        assertThat(bodies(out)).containsExactly("a", "b");
        assertThat(out.result().end().afterSequenceNumber()).isEqualTo(shard.records.get(1).sequenceNumber());
        assertThat(out.result().getRecordsCalls()).isEqualTo(4);
    }

    @Test
    void anEmptyStretchLongerThanATasksCallsIsCrossedInOneTask() {
        ScriptedShard shard = new ScriptedShard("shard-0").add("a").add("b");
        shard.emptyPagesBefore.put(1, 50);
        ShardBatchReader.Output out = read(shard, task(shard, ShardPosition.notStarted(), 1, AlignmentPlan.UNBOUNDED,
                false, 100, true));
        assertThat(bodies(out)).containsExactly("a", "b");
    }

    @Test
    void aRerunWalksAnEmptyStretchTheFirstAttemptCrossedOverSeveralPlans() {
        ScriptedShard shard = new ScriptedShard("shard-0").add("a").add("b");
        shard.emptyPagesBefore.put(1, 300); // three tasks' worth: crossed with iterator hints, plan after plan
        ShardPosition from = new ShardPosition(shard.records.get(0).sequenceNumber(), false);
        long plan = 1;
        ShardBatchReader.Output out = read(shard, task(shard, from, plan, AlignmentPlan.UNBOUNDED, false, 100, true));
        while (out.records().isEmpty() && plan < 10) {
            assertThat(out.result().end().iterator()).as("crossing: the next plan goes on from here").isNotNull();
            from = out.result().end();
            out = read(shard, task(shard, from, ++plan, AlignmentPlan.UNBOUNDED, false, 100, true));
        }
        assertThat(bodies(out)).containsExactly("b");
        // kill -9 before the commit: the plan is re-run from its stored start, the stretch walked again at once
        ShardPosition rerunFrom = new ShardPosition(from.afterSequenceNumber(), false);
        assertThat(bodies(read(shard, task(shard, rerunFrom, plan, AlignmentPlan.UNBOUNDED, false, 100, true))))
                .containsExactly("b");
    }

    @Test
    void anIdleShardLeavesItsIteratorSoTheNextPlanDoesNotRepeatTheSameReads() {
        ScriptedShard shard = new ScriptedShard("shard-0").add("a");
        ShardBatchReader.Output first = read(shard, task(shard, ShardPosition.notStarted(), 1, AlignmentPlan.UNBOUNDED,
                false, 100, true));
        ShardPosition end = first.result().end();
        assertThat(end.idle()).as("read to its tip").isTrue();
        assertThat(end.iterator()).isEqualTo("1:0");

        shard.add("b");
        shard.calls.clear();
        ShardBatchReader.Output second = read(shard, task(shard, end, 2, AlignmentPlan.UNBOUNDED, false, 100, true));
        assertThat(bodies(second)).containsExactly("b");
        assertThat(shard.calls).as("continues from the stored iterator, no new GetShardIterator")
                .hasSize(1).allMatch(c -> c.startsWith("GetRecords 1:0 "));
    }

    @Test
    void aClosedParentWhoseLastPagesAreEmptyIsFinishedSoItsChildrenStart() {
        ScriptedShard shard = new ScriptedShard("shard-0").add("a");
        shard.closed = true;
        shard.emptyPagesBefore.put(1, 2); // Kinesis may answer empty pages before telling the shard ended
        ShardBatchReader.Output out = read(shard, task(shard, ShardPosition.notStarted(), 1, AlignmentPlan.UNBOUNDED,
                false, 100, true));
        assertThat(bodies(out)).containsExactly("a");
        assertThat(out.result().end().finished()).isTrue();
        assertThat(out.result().getRecordsCalls()).isEqualTo(4);
    }

    @Test
    void aClosedParentWithNothingLeftIsFinishedWithoutRecords() {
        ScriptedShard shard = new ScriptedShard("shard-0").add("a");
        shard.closed = true;
        ShardPosition after = new ShardPosition(shard.records.get(0).sequenceNumber(), false);
        ShardBatchReader.Output out = read(shard, task(shard, after, 1, 5_000, false, 100, true));
        assertThat(out.records()).isEmpty();
        assertThat(out.result().end().finished()).isTrue();
    }

    @Test
    void readingStopsAtTheCeilingAndRemembersTheNextEventTime() {
        ScriptedShard shard = new ScriptedShard("shard-0");
        for (int i = 0; i < 10; i++) {
            shard.reading(i * 1_000L);
        }
        ShardBatchReader.Output out = read(shard, task(shard, ShardPosition.notStarted(), 1, 4_000, false, 100, true));
        assertThat(out.records()).hasSize(5);
        ShardPosition end = out.result().end();
        assertThat(end.lastEventTime()).isEqualTo(4_000L);
        assertThat(end.nextEventTime()).isEqualTo(5_000L);
        assertThat(end.nextSequenceNumber()).isEqualTo(shard.records.get(5).sequenceNumber());
        assertThat(end.idle()).isFalse();
        assertThat(end.iterator()).as("stopped inside a page: the next plan starts after the last consumed record")
                .isNull();
    }

    @Test
    void everyRecordUpToTheFloorIsConsumedEvenPastTheCap() {
        ScriptedShard shard = new ScriptedShard("shard-0");
        for (int i = 0; i < 10; i++) {
            shard.reading(i * 1_000L);
        }
        ShardTask capped = task(shard, ShardPosition.notStarted(), 1, 8_000, false, 3, true);
        ShardTask withFloor = new ShardTask(capped.stream(), capped.shardId(), capped.start(), capped.from(), 2,
                8_000, 5_000, false, 3, 0, capped.store(), TIMES, true);
        assertThat(read(shard, capped).records()).as("the cap alone").hasSize(3);
        ShardBatchReader.Output out = read(shard, withFloor);
        assertThat(out.records()).as("up to the floor, past the cap").hasSize(6);
        assertThat(out.result().end().nextEventTime()).isEqualTo(6_000L);
    }

    @Test
    void aLeaderConsumesAnAggregateStartingInsideTheCeilingEvenWhenItEndsPastItSoReadingProgresses() {
        ScriptedShard shard = new ScriptedShard("shard-0").aggregate(1_000, 50_000).reading(51_000);
        ShardBatchReader.Output out = read(shard, task(shard, ShardPosition.notStarted(), 1, 1_000, true, 100, true));
        assertThat(out.records()).as("the aggregate's two user records").hasSize(2);
        assertThat(out.result().end().nextEventTime()).isEqualTo(51_000L);

        ShardBatchReader.Output follower = read(shard, task(shard, ShardPosition.notStarted(), 2, 1_000, false, 100,
                true));
        assertThat(follower.records()).as("not a leader: the aggregate ends past the ceiling").isEmpty();
        assertThat(follower.result().end().nextEventTime()).isEqualTo(1_000L);
    }

    @Test
    void aLeaderDoesNotConsumeAFarFutureRecordInThisPlanAndTheFollowingPlanDoes() {
        // The last task ended at a page edge at 20,000 without seeing the next record, an hour later (quiet stretch).
        ScriptedShard shard = new ScriptedShard("shard-0").reading(20_000).reading(3_600_000);
        ShardPosition from = new ShardPosition(shard.records.get(0).sequenceNumber(), false, null, 20_000L, null,
                false, 1_000, null, 0, 0);
        ShardBatchReader.Output out = read(shard, task(shard, from, 1, 26_200, true, 100, true));
        assertThat(out.records()).as("would pull the watermark an hour ahead of the other shards").isEmpty();
        ShardPosition end = out.result().end();
        assertThat(end.afterSequenceNumber()).isEqualTo(from.afterSequenceNumber());
        assertThat(end.nextEventTime()).isEqualTo(3_600_000L);
        assertThat(end.nextSequenceNumber()).isEqualTo(shard.records.get(1).sequenceNumber());

        // While another shard has backlog, the next plan neither reaches the record nor gives this shard a task ...
        ShardPosition backlog = new ShardPosition("1", false, 30_000L, 29_000L, "2", false, 500_000, null, 0, 0);
        AlignmentPlan held = AlignmentPlan.of(java.util.Map.of("shard-0", end, "other", backlog), 6_200, 26_200, 100);
        assertThat(held.ceiling()).isLessThan(3_600_000L);
        assertThat(KinesisMicroBatchStream.planned(offset(held, end, backlog), "shard-0")).isFalse();

        // ... and once this shard is the slowest, the plan's ceiling reaches the reported next event time.
        ShardPosition idle = new ShardPosition("1", false, null, 3_000_000L, null, true, 0, null, 0, 0);
        AlignmentPlan next = AlignmentPlan.of(java.util.Map.of("shard-0", end, "other", idle), 6_200, 26_200, 100);
        assertThat(next.ceiling()).isGreaterThanOrEqualTo(3_600_000L);
        assertThat(next.leaders()).containsExactly("shard-0");
        assertThat(KinesisMicroBatchStream.planned(offset(next, end, idle), "shard-0")).isTrue();
        ShardTask t = new ShardTask("s", shard.shardId, StartPosition.parse("TRIM_HORIZON"), end, 2, next.ceiling(),
                next.floor(), true, 100, 0, new BatchMetadataStore(tmp.resolve("meta").toString()), TIMES, true);
        ShardBatchReader.Output second = read(shard, t);
        assertThat(bodies(second)).hasSize(1).first().asString().contains("\"ts\":3600000");
        assertThat(second.result().end().lastEventTime()).isEqualTo(3_600_000L);
    }

    private static KinesisOffset offset(AlignmentPlan p, ShardPosition shard0, ShardPosition other) {
        return new KinesisOffset("TRIM_HORIZON", 2, p.ceiling(), p.floor(), p.leaders(),
                java.util.Map.of("shard-0", shard0, "other", other));
    }

    @Test
    void aReadingFarInTheFutureDoesNotMoveTheShard() {
        // an hour ahead of when it was stored (the job refuses it): ignored however late it is read
        ScriptedShard shard = new ScriptedShard("shard-0").reading(1_000).reading(NOW + 3_600_000, 1_500)
                .reading(2_000);
        ShardBatchReader.Output out = read(shard, task(shard, ShardPosition.notStarted(), 1, 5_000, false, 100, true));
        assertThat(out.records()).hasSize(3);
        assertThat(out.result().end().lastEventTime()).isEqualTo(2_000L);
    }

    @Test
    void aRerunReadsExactlyTheRecordsOfTheFirstAttempt() {
        ScriptedShard shard = new ScriptedShard("shard-0").add("a").add("b");
        ShardTask t = task(shard, ShardPosition.notStarted(), 7, AlignmentPlan.UNBOUNDED, false, 100, true);
        List<String> first = bodies(read(shard, t));
        shard.add("c").add("d"); // more arrived before the re-run
        assertThat(bodies(read(shard, t))).isEqualTo(first).containsExactly("a", "b");
    }

    @Test
    void aPositionBehindTheTrimHorizonFailsNamingTheShardAndTheRange() {
        ScriptedShard shard = new ScriptedShard("shard-0").add("a").add("b").add("c");
        ShardPosition from = new ShardPosition(shard.records.get(0).sequenceNumber(), false);
        shard.trimmedBelow = 2;
        assertThatThrownBy(() -> read(shard, task(shard, from, 3, AlignmentPlan.UNBOUNDED, false, 100, true)))
                .hasMessageContaining("data loss on shard shard-0 of stream s")
                .hasMessageContaining("after sequence number " + from.afterSequenceNumber())
                .hasMessageContaining("--fail-on-data-loss false");
    }

    @Test
    void withoutFailOnDataLossTheReadContinuesFromTheTrimHorizonWithAMarkerFirst() {
        ScriptedShard shard = new ScriptedShard("shard-0").add("a").add("b").add("c");
        ShardPosition from = new ShardPosition(shard.records.get(0).sequenceNumber(), false);
        shard.trimmedBelow = 2;
        ShardTask t = task(shard, from, 3, AlignmentPlan.UNBOUNDED, false, 100, false);
        ShardBatchReader.Output out = read(shard, t);
        assertThat(bodies(out)).hasSize(2).last().isEqualTo("c");
        assertThat(body(out.records().get(0))).contains(ShardBatchReader.DATA_LOSS_FIELD).contains("shard-0");
        // the job's parser turns the marker into a dead letter with reason DATA_LOSS and the message naming the range
        var parsed = io.sensorpipe.schema.ReadingParser.withDefaults()
                .parse(body(out.records().get(0)).getBytes(StandardCharsets.UTF_8));
        assertThat(parsed.reason()).isEqualTo(io.sensorpipe.schema.RejectReason.DATA_LOSS);
        assertThat(parsed.message()).contains("data loss on shard shard-0 of stream s");
        assertThat(out.result().dataLoss()).isNotNull();
        assertThat(bodies(read(shard, t))).as("a re-run emits the same marker and records").isEqualTo(bodies(out));
    }

    @Test
    void aLossWithNothingConsumedResumesAtTheTrimHorizonSoItIsReportedOnceAndItsRerunReplays() {
        ScriptedShard shard = new ScriptedShard("shard-0").reading(1_000).reading(2_000).reading(50_000);
        ShardPosition from = new ShardPosition(shard.records.get(0).sequenceNumber(), false, null, 1_000L, null,
                false, 1_000, null, 0, 0);
        shard.trimmedBelow = 2; // the record after the position is gone; the horizon's first one is past the ceiling
        ShardTask t = task(shard, from, 3, 10_000, false, 100, false);
        ShardBatchReader.Output out = read(shard, t);
        assertThat(out.records()).as("the marker only").hasSize(1);
        assertThat(out.result().dataLoss()).contains("after sequence number " + from.afterSequenceNumber());
        ShardPosition end = out.result().end();
        assertThat(end.afterSequenceNumber()).as("not the trimmed position: it resumes at the trim horizon").isNull();
        assertThat(end.nextSequenceNumber()).isEqualTo(shard.records.get(2).sequenceNumber());

        assertThat(bodies(read(shard, t))).as("a re-run does not look for the trimmed record").isEqualTo(bodies(out));

        ShardBatchReader.Output next = read(shard, task(shard, end, 4, 60_000, false, 100, true));
        assertThat(next.result().dataLoss()).as("reported once, by the plan that found it").isNull();
        assertThat(bodies(next)).hasSize(1).first().asString().contains("\"ts\":50000");
    }

    @Test
    void aRerunOfABatchStoredWithTheLostPositionAsItsEndEmitsItsMarkerOnly() {
        // What the reader stored before the trim-horizon fix: nothing consumed, the trimmed position kept as end.
        ScriptedShard shard = new ScriptedShard("shard-0").add("a").add("b").add("c");
        shard.trimmedBelow = 2;
        ShardPosition from = new ShardPosition(shard.records.get(0).sequenceNumber(), false);
        ShardTask t = task(shard, from, 6, 10_000, false, 100, true);
        t.store().putIfAbsent(6, shard.shardId, new ShardBatchResult(from, true, "data loss on shard shard-0", 1, 1,
                10, 1, 0));
        ShardBatchReader.Output rerun = read(shard, t);
        assertThat(rerun.records()).hasSize(1);
        assertThat(body(rerun.records().get(0))).contains(ShardBatchReader.DATA_LOSS_FIELD);
    }

    @Test
    void aRerunWhoseRecordsWereTrimmedSinceFailsNamingTheFlagOrEmitsTheLossAndWhatSurvives() {
        ScriptedShard shard = new ScriptedShard("shard-0").add("a").add("b").add("c").add("d").add("e");
        ShardPosition from = new ShardPosition(shard.records.get(0).sequenceNumber(), false);
        ShardBatchReader.Output first = read(shard, task(shard, from, 5, AlignmentPlan.UNBOUNDED, false, 100, true));
        assertThat(bodies(first)).containsExactly("b", "c", "d", "e");

        shard.trimmedBelow = 3; // kill -9, then down past the retention: b and c are gone
        assertThatThrownBy(() -> read(shard, task(shard, from, 5, AlignmentPlan.UNBOUNDED, false, 100, true)))
                .hasMessageContaining("data loss on shard shard-0 of stream s")
                .hasMessageContaining("re-running plan 5: 2 of its 4 records were trimmed")
                .hasMessageContaining("--fail-on-data-loss false");
        ShardBatchReader.Output rerun = read(shard, task(shard, from, 5, AlignmentPlan.UNBOUNDED, false, 100, false));
        assertThat(bodies(rerun)).hasSize(3).endsWith("d", "e");
        assertThat(body(rerun.records().get(0))).contains(ShardBatchReader.DATA_LOSS_FIELD);
        assertThat(rerun.result().dataLoss()).contains("up to sequence number " + shard.records.get(3).sequenceNumber());
        assertThat(rerun.result().end()).as("the next plan still starts at the stored end")
                .isEqualTo(first.result().end());

        shard.trimmedBelow = 5; // the whole range, the stored end included: the trim horizon is the tip
        ShardBatchReader.Output gone = read(shard, task(shard, from, 5, AlignmentPlan.UNBOUNDED, false, 100, false));
        assertThat(gone.records()).as("the marker only").hasSize(1);
        assertThat(gone.result().dataLoss()).contains("4 of its 4 records");
        shard.add("f"); // ... or the horizon's first record is past the stored end
        assertThat(read(shard, task(shard, from, 5, AlignmentPlan.UNBOUNDED, false, 100, false)).records()).hasSize(1);
    }

    @Test
    void aSkippedRecordSeenBeforeIsDetectedAsDataLoss() {
        ScriptedShard shard = new ScriptedShard("shard-0").add("a").add("b").add("c");
        // The last read stopped before record 1 and saw it; Kinesis now starts past it (it answers from its horizon).
        ShardPosition from = new ShardPosition(shard.records.get(0).sequenceNumber(), false, 5L, 1L,
                shard.records.get(1).sequenceNumber(), false, 100, "2:0", NOW, 0);
        assertThatThrownBy(() -> read(shard, task(shard, from, 3, AlignmentPlan.UNBOUNDED, false, 100, true)))
                .hasMessageContaining("records from sequence number " + shard.records.get(1).sequenceNumber());
    }

    @Test
    void recordsFetchedPastAStopAreServedToTheNextTaskWithoutFetchingThemAgain() {
        ScriptedShard shard = new ScriptedShard("shard-0");
        for (int i = 0; i < 30; i++) {
            shard.reading(i * 1_000L);
        }
        ReadAheadBuffer buffer = new ReadAheadBuffer(100, 1 << 20, 1 << 20);
        ShardBatchReader reader = new ShardBatchReader(shard, () -> NOW, buffer);
        ShardBatchReader.Output first = reader.read(task(shard, ShardPosition.notStarted(), 1, 4_000, false, 20, true));
        assertThat(first.records()).hasSize(5);
        assertThat(first.result().getRecordsCalls()).isEqualTo(1);
        assertThat(first.result().kinesisRecords()).as("a page as large as the cap").isEqualTo(21);

        shard.calls.clear();
        ShardBatchReader.Output second = reader.read(task(shard, first.result().end(), 2, 9_000, false, 20, true));
        assertThat(second.records()).hasSize(5);
        assertThat(body(second.records().get(0))).contains("\"ts\":5000");
        assertThat(shard.calls).as("served from the buffer").isEmpty();
        assertThat(second.result().kinesisRecords()).isZero();

        // The buffer runs out inside the third task: it continues with the saved iterator, nothing fetched twice.
        ShardBatchReader.Output third = reader.read(task(shard, second.result().end(), 3, 100_000, false, 20, true));
        assertThat(third.records()).hasSize(20);
        assertThat(shard.calls).as("no new GetShardIterator: the page's NextShardIterator was kept")
                .allMatch(c -> c.startsWith("GetRecords 21:0"));
        long fetched = first.result().kinesisRecords() + second.result().kinesisRecords()
                + third.result().kinesisRecords();
        assertThat(fetched).as("each record fetched once").isEqualTo(30);
    }

    @Test
    void aTaskThatStopsBeforeItsFirstRecordAfterALossLeavesNothingInTheBuffer() {
        ScriptedShard shard = new ScriptedShard("shard-0");
        for (int i = 0; i < 10; i++) {
            shard.reading(10_000 + i * 1_000L);
        }
        ReadAheadBuffer buffer = new ReadAheadBuffer(100, 1 << 20, 1 << 20);
        ShardBatchReader reader = new ShardBatchReader(shard, () -> NOW, buffer);
        // never read: the start position is one place on the shard, and what was fetched past the stop is kept
        reader.read(task(shard, ShardPosition.notStarted(), 1, 5_000, false, 100, true));
        assertThat(buffer.size()).isEqualTo(1);

        // read before, then lost: no sequence number again, but the trim horizon moves, so an entry keyed "start"
        // could later serve records this shard has consumed since
        ReadAheadBuffer afterLoss = new ReadAheadBuffer(100, 1 << 20, 1 << 20);
        ShardPosition resumed = new ShardPosition(null, false, null, 9_000L, null, false, 1_000, null, 0, 0);
        ShardBatchReader.Output out = new ShardBatchReader(shard, () -> NOW, afterLoss)
                .read(task(shard, resumed, 2, 5_000, false, 100, true));
        assertThat(out.records()).isEmpty();
        assertThat(afterLoss.size()).isZero();
    }

    @Test
    void aReplayReadsItsStoredRangeFromKinesisNotFromTheBuffer() {
        ScriptedShard shard = new ScriptedShard("shard-0");
        for (int i = 0; i < 10; i++) {
            shard.reading(i * 1_000L);
        }
        ReadAheadBuffer buffer = new ReadAheadBuffer(100, 1 << 20, 1 << 20);
        ShardBatchReader reader = new ShardBatchReader(shard, () -> NOW, buffer);
        ShardTask first = task(shard, ShardPosition.notStarted(), 1, 2_000, false, 100, true);
        ShardBatchReader.Output a = reader.read(first);
        ShardTask second = task(shard, a.result().end(), 2, 5_000, false, 100, true);
        List<String> once = bodies(reader.read(second));
        assertThat(once).hasSize(3);
        // The buffer now holds records past 5,000 keyed by the end of plan 2; a re-run of plan 2 must not use it.
        assertThat(buffer.size()).isEqualTo(1);
        assertThat(bodies(reader.read(second))).isEqualTo(once);
        assertThat(buffer.size()).as("left for the task that starts at plan 2's end").isEqualTo(1);
    }

    @Test
    void theBufferKeepsWithinItsBoundsAndThenAsksForANewIterator() {
        ScriptedShard shard = new ScriptedShard("shard-0");
        for (int i = 0; i < 30; i++) {
            shard.reading(i * 1_000L);
        }
        ReadAheadBuffer buffer = new ReadAheadBuffer(4, 1 << 20, 1 << 20);
        ShardBatchReader reader = new ShardBatchReader(shard, () -> NOW, buffer);
        ShardBatchReader.Output first = reader.read(task(shard, ShardPosition.notStarted(), 1, 1_000, false, 20, true));
        assertThat(first.records()).hasSize(2);
        assertThat(buffer.size()).isEqualTo(1);
        shard.calls.clear();
        ShardBatchReader.Output second = reader.read(task(shard, first.result().end(), 2, 9_000, false, 20, true));
        assertThat(second.records()).hasSize(8);
        assertThat(shard.calls.get(0)).as("4 records were kept, the rest fetched after the last of them")
                .isEqualTo("GetShardIterator AFTER_SEQUENCE_NUMBER");
        assertThat(body(second.records().get(4))).contains("\"ts\":6000");
    }

    private ShardTask atTimestamp(ScriptedShard shard, long timestamp, boolean failOnLoss) {
        return new ShardTask("s", shard.shardId, StartPosition.parse("AT_TIMESTAMP:" + timestamp),
                ShardPosition.atQueryStart(), ++plans, AlignmentPlan.UNBOUNDED, AlignmentPlan.LOOK_ONLY, false, 100, 0,
                new BatchMetadataStore(tmp.resolve("meta-at").toString()), TIMES, failOnLoss);
    }

    @Test
    void anAtTimestampStartOlderThanTheRetentionIsDataLossNamingShardAndRange() {
        ScriptedShard shard = new ScriptedShard("shard-0").add("a").add("b").add("c");
        shard.trimmedBelow = 2; // Kinesis answers an old AT_TIMESTAMP from its trim horizon, without an error
        shard.retention = new KinesisApi.Retention(3_600_000L, 0); // 1 h; NOW is 2.8 h after the stream was created
        assertThatThrownBy(() -> read(shard, atTimestamp(shard, 1_000, true)))
                .hasMessageContaining("data loss on shard shard-0 of stream s: records from AT_TIMESTAMP:1000")
                .hasMessageContaining("first record returned: sequence number " + shard.records.get(2).sequenceNumber())
                .hasMessageContaining("--fail-on-data-loss false");

        ShardBatchReader.Output out = read(shard, atTimestamp(shard, 1_000, false));
        assertThat(bodies(out)).hasSize(2).last().isEqualTo("c");
        assertThat(body(out.records().get(0))).contains(ShardBatchReader.DATA_LOSS_FIELD).contains("AT_TIMESTAMP:1000");
        assertThat(out.result().dataLoss()).contains("behind the stream's retention (1 h)");
    }

    @Test
    void anAtTimestampStartWithinTheRetentionOrBeforeTheStreamExistedLosesNothing() {
        ScriptedShard shard = new ScriptedShard("shard-0").add("a").add("b").add("c");
        shard.retention = new KinesisApi.Retention(3_600_000L, 0);
        ShardBatchReader.Output within = read(shard, atTimestamp(shard, NOW - 1_800_000, true));
        assertThat(within.result().dataLoss()).isNull();

        shard.retention = new KinesisApi.Retention(3_600_000L, NOW - 600_000); // created 10 min ago
        ShardBatchReader.Output beforeCreation = read(shard, atTimestamp(shard, 1_000, true));
        assertThat(beforeCreation.result().dataLoss()).as("nothing existed before the stream").isNull();
        assertThat(bodies(beforeCreation)).containsExactly("b", "c");
    }

    @Test
    void onlyTheShardsListedAtAnAtTimestampStartAreCheckedAgainstTheRetention() {
        ScriptedShard shard = new ScriptedShard("shard-0");
        java.util.function.Function<String, KinesisOffset> initial = position -> (KinesisOffset)
                new KinesisMicroBatchStream(KinesisSourceOptions.from(java.util.Map.of("streamName", "s",
                        "initialPosition", position)), shard,
                        new BatchMetadataStore(tmp.resolve("meta-" + position).toString())).initialOffset();
        assertThat(initial.apply("latest").shards().get("shard-0").startCheck()).isTrue();
        assertThat(initial.apply("trim_horizon").shards().get("shard-0").startCheck()).isFalse();

        Shard parent = Shard.builder().shardId("p").build();
        Shard child = Shard.builder().shardId("c").parentShardId("p").build();
        assertThat(KinesisMicroBatchStream.discover(java.util.Map.of("p", new ShardPosition("9", true)),
                List.of(parent, child)).get("c").startCheck()).as("a child created later").isFalse();

        String written = new KinesisOffset("AT_TIMESTAMP:0", java.util.Map.of("a", ShardPosition.atQueryStart(),
                "b", ShardPosition.notStarted())).json();
        assertThat(written).contains("\"a\":{\"finished\":false,\"idle\":false,\"behind\":-1,\"itAt\":0,\"rps\":0.0,"
                + "\"startCheck\":true}").contains("\"b\":{\"finished\":false,\"idle\":false,\"behind\":-1,"
                + "\"itAt\":0,\"rps\":0.0}");
        assertThat(KinesisOffset.fromJson(written).shards().get("a").startCheck()).isTrue();
    }

    @Test
    void aShardIdleForLongerThanTheRetentionAfterAnAtTimestampStartIsNoLossAtItsFirstRecord() {
        ScriptedShard shard = new ScriptedShard("shard-0");
        shard.retention = new KinesisApi.Retention(3_600_000L, NOW - 1_800_000); // 1 h; created 30 min before NOW
        ShardBatchReader.Output first = read(shard, atTimestamp(shard, 0, true));
        assertThat(first.result().dataLoss()).isNull();
        ShardPosition idle = first.result().end();
        assertThat(idle.idle()).isTrue();
        assertThat(idle.startCheck()).as("read to its tip: nothing was before it").isFalse();

        shard.add("a"); // two hours later, past the retention counted from the start
        ShardTask later = new ShardTask("s", shard.shardId, StartPosition.parse("AT_TIMESTAMP:0"), idle, ++plans,
                AlignmentPlan.UNBOUNDED, AlignmentPlan.LOOK_ONLY, false, 100, 0,
                new BatchMetadataStore(tmp.resolve("meta-at").toString()), TIMES, true);
        ShardBatchReader.Output out = new ShardBatchReader(shard, () -> NOW + 7_200_000).read(later);
        assertThat(out.result().dataLoss()).isNull();
        assertThat(bodies(out)).containsExactly("a");
    }

    @Test
    void aChildShardFirstReadLongAfterAnAtTimestampStartIsNoLoss() {
        ScriptedShard child = new ScriptedShard("shard-1").add("a").add("b");
        child.retention = new KinesisApi.Retention(3_600_000L, 0); // NOW is 2.8 h after the start at 0
        ShardTask t = new ShardTask("s", child.shardId, StartPosition.parse("AT_TIMESTAMP:0"),
                ShardPosition.notStarted(), ++plans, AlignmentPlan.UNBOUNDED, AlignmentPlan.LOOK_ONLY, false, 100, 0,
                new BatchMetadataStore(tmp.resolve("meta-at").toString()), TIMES, true);
        ShardBatchReader.Output out = read(child, t);
        assertThat(out.result().dataLoss()).isNull();
        assertThat(bodies(out)).containsExactly("a", "b");
        assertThat(child.calls).as("no DescribeStreamSummary").noneMatch(c -> c.startsWith("DescribeStreamSummary"));
    }
}
