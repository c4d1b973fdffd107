package io.sensorpipe.producer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback that forwards to a real endpoint at a limited bandwidth (shared by all connections and
 * both directions): a slow network in front of the local Kinesis, TLS passes through untouched. {@link #hold()}
 * stalls the link entirely (connections are accepted, no byte moves) until {@link #release()}.
 */
final class ThrottlingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final long bytesPerSecond;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private long nextFreeNanos = System.nanoTime();
    private boolean held;
    private volatile boolean closed;

    ThrottlingProxy(String targetHost, int targetPort, long bytesPerSecond) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.bytesPerSecond = bytesPerSecond;
        Thread acceptor = new Thread(this::acceptLoop, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Stops forwarding: bytes read from either side wait until {@link #release()}. */
    synchronized void hold() {
        held = true;
    }

    /** Resumes forwarding at the configured bandwidth. */
    synchronized void release() {
        held = false;
        notifyAll();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("proxy: " + e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[2048];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    throttle(n);
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException ignored) {
                // connection closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void throttle(int bytes) throws InterruptedException {
        long wait;
        synchronized (this) {
            while (held && !closed) {
                wait(100);
            }
            long now = System.nanoTime();
            nextFreeNanos = Math.max(nextFreeNanos, now) + bytes * 1_000_000_000L / bytesPerSecond;
            wait = nextFreeNanos - now;
        }
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        release();
        server.close();
        sockets.forEach(ThrottlingProxy::closeQuietly);
    }
}
