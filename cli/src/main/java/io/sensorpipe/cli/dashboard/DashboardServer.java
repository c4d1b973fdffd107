package io.sensorpipe.cli.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Serves the dashboard on 127.0.0.1 only: {@code /} the page (self-contained HTML/JS/SVG, no CDN), and
 * {@code /api/snapshot} the latest JSON snapshot. A background thread refreshes the snapshot, so the number of
 * open browser tabs does not multiply the DynamoDB and SQS calls.
 */
public final class DashboardServer implements AutoCloseable {
    private final HttpServer http;
    private final ScheduledExecutorService refresher;
    private final AtomicReference<byte[]> snapshot = new AtomicReference<>(
            "{\"sensors\":[],\"alerts\":[],\"errors\":[\"starting\"]}".getBytes(StandardCharsets.UTF_8));
    private final byte[] page;

    public DashboardServer(DashboardSnapshots snapshots, DashboardConfig config) {
        this.page = readPage();
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), 16);
        } catch (java.net.BindException e) {
            // the CLI prints this one line (not a stack trace): most often a dashboard that is still running
            throw new IllegalArgumentException("cannot listen on 127.0.0.1:" + config.port() + " (" + e.getMessage()
                    + "): stop what uses it, or pass --port 0 (any free port) or another --port "
                    + "(SENSORPIPE_DASHBOARD_PORT)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + config.port(), e);
        }
        http.createContext("/", this::servePage);
        http.createContext("/api/snapshot", ex -> send(ex, 200, "application/json", snapshot.get()));
        http.setExecutor(Executors.newFixedThreadPool(2, daemon("dashboard-http")));
        refresher = Executors.newSingleThreadScheduledExecutor(daemon("dashboard-refresh"));
        // The first snapshot is ready before the server answers, so a page loaded at once shows data.
        snapshot.set(snapshots.refresh(System.currentTimeMillis()));
        refresher.scheduleWithFixedDelay(() -> {
            try {
                snapshot.set(snapshots.refresh(System.currentTimeMillis()));
            } catch (RuntimeException e) {
                System.err.println("dashboard refresh failed: " + e);
            }
        }, config.refreshMillis(), config.refreshMillis(), TimeUnit.MILLISECONDS);
        http.start();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    private void servePage(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!path.equals("/") && !path.equals("/index.html")) {
            send(ex, 404, "text/plain; charset=utf-8", "not found".getBytes(StandardCharsets.UTF_8));
            return;
        }
        send(ex, 200, "text/html; charset=utf-8", page);
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        try (ex) {
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] readPage() {
        try (InputStream in = DashboardServer.class.getResourceAsStream("/dashboard/index.html")) {
            if (in == null) {
                throw new IllegalStateException("dashboard/index.html missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        http.stop(0);
    }
}
