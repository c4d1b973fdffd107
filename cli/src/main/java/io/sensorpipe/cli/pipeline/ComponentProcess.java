package io.sensorpipe.cli.pipeline;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One pipeline component running as its own JVM, its output in a log file. It is started in a session of its
 * own ({@code setsid}), so the Ctrl-C a terminal sends to the foreground process group reaches only the
 * orchestrator, which then stops the components in order (producer first) instead of all at once.
 */
public final class ComponentProcess {
    private final String name;
    private final Process process;
    private final Path log;

    private ComponentProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static ComponentProcess start(String name, List<String> command, Map<String, String> extraEnv, Path log,
                                         Path workDir) throws IOException {
        List<String> argv = new java.util.ArrayList<>();
        if (new java.io.File("/usr/bin/setsid").canExecute()) {
            argv.add("/usr/bin/setsid");
        }
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(extraEnv);
        return new ComponentProcess(name, pb.start(), log);
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    public boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Asks the component to stop (SIGTERM: its shutdown hook flushes and writes its report), waits up to
     * {@code grace}, then kills it and anything it started. Returns true when it stopped by itself.
     */
    public boolean stop(Duration grace) throws InterruptedException {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            return true;
        }
        kill();
        return false;
    }

    /** Kills the component and its descendants at once (last resort, or a second Ctrl-C). */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code maxLines} lines of the log (for progress parsing and error messages). */
    public List<String> tail(int maxLines) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            long from = Math.max(0, length - 64 * 1024);
            byte[] buf = new byte[(int) (length - from)];
            f.seek(from);
            f.readFully(buf);
            List<String> lines = new String(buf, StandardCharsets.UTF_8).lines().toList();
            return lines.subList(Math.max(0, lines.size() - maxLines), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
