package io.sensorpipe.supervisor;

import io.sensorpipe.contract.JobControl;
import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.contract.MetricNames;
import io.sensorpipe.supervisor.JobStateStore.JobState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The job's lifecycle, shared by the deployer and the supervisor. The one rule: never two runs on one checkpoint.
 * A new version first stops the running one gracefully (stop marker: the job finishes its micro-batch and exits),
 * falls back to a cancel after {@code gracefulStop}, waits for the run to end, and only then submits.
 */
public final class JobController {
    /** Sleeps between polls; a parameter so tests can poll fast against the local cloud. */
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Function<JobSpec, JobRuns> runsFor;
    private final JobStateStore store;
    private final StopMarker marker;
    private final CommitLog commits;
    private final OpsChannel ops;
    private final RestartPolicy policy;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration gracefulStop;
    private final Duration poll;

    public JobController(Function<JobSpec, JobRuns> runsFor, JobStateStore store, StopMarker marker, CommitLog commits,
                         OpsChannel ops, RestartPolicy policy, Clock clock, Sleeper sleeper, Duration gracefulStop,
                         Duration poll) {
        this.runsFor = runsFor;
        this.store = store;
        this.marker = marker;
        this.commits = commits;
        this.ops = ops;
        this.policy = policy;
        this.clock = clock;
        this.sleeper = sleeper;
        this.gracefulStop = gracefulStop;
        this.poll = poll;
    }

    /**
     * Deploys {@code spec} as the job: stops whatever runs under its name first, where the deployed version runs (its
     * cluster or application and its stop marker, from the stored spec) and on the new spec's target. Returns the new
     * run id.
     */
    public String deploy(JobSpec spec) throws InterruptedException {
        return deployment(spec).runId();
    }

    /**
     * A deploy as {@link #deploy} does it, with what {@link #check} needs: the newest batch the checkpoint had committed
     * when the new version was submitted (the old version had ended by then; empty: none), or why it could not be read.
     */
    public record Deployment(String runId, OptionalLong committedBefore, String unreadable) {
    }

    /** Deploys {@code spec} (see {@link #deploy}). */
    public Deployment deployment(JobSpec spec) throws InterruptedException {
        return deployment(spec, spec);
    }

    /** Deploys {@code spec}, submitting {@code run} for this run only (the supervisor's restarts use {@code spec}). */
    private Deployment deployment(JobSpec spec, JobSpec run) throws InterruptedException {
        JobRuns runs = runsFor.apply(spec);
        // No state item: nothing was ever deployed (the table lives and dies with the cluster or application).
        Optional<JobState> deployed = store.get(spec.name());
        if (deployed.isPresent()) {
            store.stopping(spec.name(), clock.instant());
            JobSpec old = deployed.get().spec();
            boolean running = deployed.get().runId() != null; // none: an operator stop saw every run end
            // A replaced cluster (new EMR release or instance types): the running version is where the old spec
            // says, and still writes the checkpoint.
            try {
                if (running) {
                    stopAll(runsFor.apply(old), old);
                }
            } catch (RuntimeException e) {
                throw new IllegalStateException("could not stop the running version on " + old.platform() + " "
                        + old.target() + " (" + e.getMessage() + "); not starting a second job on the checkpoint. "
                        + "Stop it first (scripts/job stop), then deploy again", e);
            }
            if (!running || old.platform() != spec.platform() || !old.target().equals(spec.target())) {
                stopAll(runs, spec); // anything under the job's name where the new version will run
            }
        }
        OptionalLong committedBefore = OptionalLong.empty();
        String unreadable = null;
        try { // the old version has stopped: its last commit is the baseline (a failure here must not stop the deploy)
            committedBefore = commits.newestBatch(JobControl.checkpointOf(spec.stopMarker()));
        } catch (RuntimeException e) {
            unreadable = e.toString();
        }
        String runId = runs.submit(run);
        store.deployed(spec.name(), runId, spec, clock.instant());
        return new Deployment(runId, committedBefore, unreadable);
    }

    /** What {@link #check} saw; {@code failed}: the new version ended before committing a micro-batch. */
    public record Check(boolean failed, String message) {
    }

    /**
     * Waits up to {@code within} for the deployed version to prove itself: it commits a micro-batch on the checkpoint
     * (healthy), or its run ends first (failed: the job is marked stopped, so the supervisor does not restart a version
     * that cannot run, and the message names EMR's reason and the logs). Still starting when the time is up is not a
     * failure: a cluster busy with other steps or a cold Serverless application can take longer than a deploy may
     * wait; the supervisor's restarts and alarms watch the run from there. An operator's stop or a newer deploy during
     * the check ends it, not failed.
     */
    public Check check(JobSpec spec, Deployment deployment, Duration within) throws InterruptedException {
        if (deployment.unreadable() != null) {
            return new Check(false, "submitted run " + deployment.runId() + " (not checked: the checkpoint's commit log "
                    + "could not be read: " + deployment.unreadable() + ")");
        }
        JobRuns runs = runsFor.apply(spec);
        String checkpoint = JobControl.checkpointOf(spec.stopMarker());
        Instant deadline = clock.instant().plus(within);
        // Faster than the supervisor's first restart: a failed run must be seen before a restart replaces it.
        Duration third = Duration.ofMillis(Math.max(1_000, policy.baseDelay().dividedBy(3).toMillis()));
        Duration step = poll.compareTo(third) <= 0 ? poll : third;
        String lastError = null;
        while (true) {
            try {
                Optional<Check> verdict = look(spec, deployment, runs, checkpoint);
                if (verdict.isPresent()) {
                    return verdict.get();
                }
                lastError = null;
            } catch (RuntimeException e) { // throttling, a network error: look again, it is not the version's fault
                lastError = e.toString();
            }
            if (!clock.instant().isBefore(deadline)) {
                return new Check(false, "run " + deployment.runId() + " has not committed a micro-batch within "
                        + within.toSeconds() + " s (not a failure: the supervisor restarts it if it ends; scripts/job "
                        + "status)" + (lastError == null ? "" : "; the last look failed: " + lastError));
            }
            sleeper.sleep(step);
        }
    }

    /** One look at the new version: a verdict, or empty while it runs without a new commit. */
    private Optional<Check> look(JobSpec spec, Deployment deployment, JobRuns runs, String checkpoint) {
        OptionalLong newest = commits.newestBatch(checkpoint);
        if (newest.isPresent() && (deployment.committedBefore().isEmpty()
                || newest.getAsLong() > deployment.committedBefore().getAsLong())) {
            return Optional.of(new Check(false, "run " + deployment.runId() + " committed micro-batch " + newest.getAsLong()));
        }
        Optional<JobState> now = store.get(spec.name());
        if (now.isEmpty() || !now.get().wantRunning() || !deployment.runId().equals(now.get().runId())) {
            return Optional.of(new Check(false, "run " + deployment.runId() + " was stopped or replaced during the check"
                    + " (an operator's scripts/job, or another deploy); not judged"));
        }
        RunState run = runs.state(deployment.runId());
        if (!run.ended()) {
            return Optional.empty();
        }
        store.checkFailed(spec.name(), deployment.runId(), clock.instant());
        // the logs first: CloudFormation shows a few KB of reason, and EMR's may be long
        String why = run.why() == null ? "" : " Why (from EMR): " + run.why();
        return Optional.of(new Check(true, "the new version's run " + deployment.runId() + " ended " + run.state()
                + " before committing a micro-batch, so this deploy fails (and CloudFormation, unless its rollback "
                + "is disabled, deploys the previous version again). Logs: "
                + runs.logLocation(deployment.runId(), spec.logUri()) + "." + why));
    }

    /** Stops the job for good (until {@link #start}): the supervisor will not restart it. */
    public void stop(String job) throws InterruptedException {
        JobState state = require(job);
        store.stopping(job, clock.instant());
        stopAll(runsFor.apply(state.spec()), state.spec());
        store.stopped(job, state.runId(), clock.instant());
    }

    /** Starts the last deployed spec again (after {@link #stop}, or to restart by hand: stop, then start). */
    public String start(String job) throws InterruptedException {
        return start(job, false);
    }

    /**
     * {@link #start}; with {@code acceptDataLoss} this one run continues past readings the stream no longer holds (the
     * job stopped longer than the retention, or its stream was replaced), which the job otherwise refuses on every
     * attempt: it adds {@code --fail-on-data-loss false} to the submitted run only. The gap is counted and
     * dead-lettered as DATA_LOSS; once that run has committed past it, the stored spec (which fails on a loss again)
     * runs as before, and a supervisor restart before that meets the same refusal, so the operator asks again.
     */
    public String start(String job, boolean acceptDataLoss) throws InterruptedException {
        JobSpec spec = require(job).spec();
        return deployment(spec, acceptDataLoss ? spec.withJobFlag(JobOptions.FAIL_ON_DATA_LOSS, "false") : spec).runId();
    }

    /** Status for operators: desired state, run, run state, restarts, where the logs are. */
    public String status(String job) {
        JobState state = require(job);
        String head = "job=" + job + " desired=" + (state.wantRunning() ? "RUNNING" : "STOPPED");
        if (state.runId() == null) { // stopped by an operator: no run to ask about (nor logs)
            return head + " run=none state=none restarts=" + state.restarts() + " streakFrom=" + state.streakFrom();
        }
        JobRuns runs = runsFor.apply(state.spec());
        RunState run = runs.state(state.runId());
        // after the cap (DOWN) the current run is the failed one: its reason is the first thing to read
        return head + " run=" + state.runId() + " state=" + run.state() + " restarts="
                + state.restarts() + " streakFrom=" + state.streakFrom() + " logs="
                + runs.logLocation(state.runId(), state.spec().logUri()) + (run.why() == null ? "" : " why=" + run.why());
    }

    /** What the supervisor did with an ended run. */
    public enum Outcome { IGNORED, RESTARTED, GAVE_UP, LOST_RACE }

    /** Called when run {@code runId} of {@code job} reached {@code endState} (from EventBridge). */
    public Outcome onRunEnded(String job, String runId, String endState) throws InterruptedException {
        if (!RunState.isEnded(endState)) {
            return Outcome.IGNORED;
        }
        Optional<JobState> found = store.get(job);
        if (found.isEmpty()) {
            return Outcome.IGNORED;
        }
        JobState state = found.get();
        // Deliberate stops (deploy, operator, delete) flip desired to STOPPED first; old runs are not the job.
        if (!state.wantRunning() || !runId.equals(state.runId())) {
            return Outcome.IGNORED;
        }
        RestartPolicy.Decision decision = policy.decide(state.restarts(), state.streakFrom(), clock.instant());
        String why = whyEnded(state.spec(), runId);
        if (!decision.restart()) {
            store.gaveUp(job, decision.attempt(), decision.streakFrom(), clock.instant());
            ops.count(MetricNames.JOB_RESTARTS_EXHAUSTED);
            ops.tell("sensorpipe job " + job + " is DOWN: restart cap reached",
                    "Run " + runId + " ended " + endState + ". The supervisor restarted it " + decision.attempt()
                            + " times since " + decision.streakFrom() + " and gives up (cap " + policy.maxRestarts() + " per "
                            + policy.window() + ")." + why + "\nLogs: "
                            + runsFor.apply(state.spec()).logLocation(runId, state.spec().logUri())
                            + "\nAfter fixing the cause: scripts/job restart");
            return Outcome.GAVE_UP;
        }
        sleeper.sleep(decision.delay());
        // Re-read: a deploy or an operator stop during the backoff wins.
        Optional<JobState> now = store.get(job);
        if (now.isEmpty() || !now.get().wantRunning() || !runId.equals(now.get().runId())) {
            return Outcome.LOST_RACE;
        }
        // Deploys and operator actions go through this class and the state item, so the conditional swap below is
        // what keeps it to one run: no ListSteps check, which lags the event that brought us here.
        JobRuns runs = runsFor.apply(state.spec());
        String newRun;
        try {
            newRun = runs.submit(state.spec());
        } catch (RuntimeException e) {
            // The event is retried (twice), but a cluster that is gone refuses every time: say so at once, with what
            // to look at, instead of leaving only the supervisor's error metric and the heartbeat alarm.
            try {
                ops.tell("sensorpipe job " + job + " is not running: restart " + decision.attempt() + " was refused",
                        "Run " + runId + " ended " + endState + "." + why + "\nRestart " + decision.attempt()
                                + " could not be submitted to " + state.spec().platform() + " " + state.spec().target()
                                + ": " + e.getMessage() + "\nThe supervisor tries again with the invocation's retries "
                                + "(a throttle or an outage passes). If the cluster or application is gone (a lost "
                                + "primary node terminates an EMR cluster: aws emr describe-cluster --cluster-id "
                                + state.spec().target() + "), or the supervisor may not submit to it, fix that, then: "
                                + "scripts/job restart");
            } catch (RuntimeException opsFailed) {
                e.addSuppressed(opsFailed); // the submit's error is the one to see and to retry on
            }
            throw e;
        }
        boolean recorded;
        try {
            recorded = store.restarted(job, runId, newRun, decision.attempt(), decision.streakFrom(), clock.instant());
        } catch (RuntimeException e) {
            // Not recorded (or not known to be): Lambda retries this event, which would submit a second run on the
            // checkpoint beside an untracked one. Cancel ours first; if the write did land, the cancelled run's end
            // event brings the restart back.
            try {
                runs.cancel(newRun);
            } catch (RuntimeException cancelFailed) {
                e.addSuppressed(cancelFailed);
            }
            throw e;
        }
        if (!recorded) {
            // Another invocation restarted it between our check and submit: undo ours.
            runs.cancel(newRun);
            return Outcome.LOST_RACE;
        }
        ops.count(MetricNames.JOB_RESTARTS);
        ops.tell("sensorpipe job " + job + " restarted (" + decision.attempt() + "/" + policy.maxRestarts() + ")",
                "Run " + runId + " ended " + endState + "; started " + newRun + " after " + decision.delay().toSeconds()
                        + " s backoff." + why + "\nLogs of the ended run: " + runs.logLocation(runId, state.spec().logUri()));
        return Outcome.RESTARTED;
    }

    /**
     * What the platform says about why run {@code runId} ended, as a line for the ops message ("" when it says
     * nothing): at 3 a.m. a reason in the mail (at best the job's own one-line error) saves a trip to the logs.
     * Never fails the supervisor.
     */
    private String whyEnded(JobSpec spec, String runId) {
        try {
            String why = runsFor.apply(spec).state(runId).why();
            return why == null ? "" : "\nWhy (from EMR): " + (why.length() > 2000 ? why.substring(0, 2000) + "..." : why);
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Graceful stop of every active run of the spec's name, falling back to cancel; waits until all have ended. */
    private void stopAll(JobRuns runs, JobSpec spec) throws InterruptedException {
        List<String> active = runs.active(spec.name());
        if (active.isEmpty()) {
            return;
        }
        marker.request(spec.stopMarker(), String.join(",", active));
        try {
            if (!awaitEnded(runs, active, gracefulStop)) {
                for (String runId : active) {
                    if (!runs.state(runId).ended()) {
                        runs.cancel(runId);
                    }
                }
                if (!awaitEnded(runs, active, gracefulStop)) {
                    throw new IllegalStateException("runs " + active + " did not end within " + gracefulStop.multipliedBy(2)
                            + " after a stop marker and a cancel; not starting a second job on the same checkpoint."
                            + " Stop them by hand (scripts/job stop) and retry the deploy.");
                }
            }
        } finally {
            marker.clear(spec.stopMarker());
        }
    }

    private boolean awaitEnded(JobRuns runs, List<String> runIds, Duration timeout) throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            boolean allEnded = true;
            for (String runId : runIds) {
                allEnded &= runs.state(runId).ended();
            }
            if (allEnded) {
                return true;
            }
            if (!clock.instant().isBefore(deadline)) {
                return false;
            }
            sleeper.sleep(poll);
        }
    }

    private JobState require(String job) {
        return store.get(job).orElseThrow(() -> new IllegalStateException("no job '" + job
                + "' in the supervisor's state table: deploy the stack first (scripts/deploy)"));
    }
}
