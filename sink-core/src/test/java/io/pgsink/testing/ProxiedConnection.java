package io.pgsink.testing;

import io.pgsink.testing.PgMessages.Message;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client connection relayed by a {@link PgProxy}: a thread per direction, each reading whole messages.
 *
 * <p>Where the backend stream is cut: a successful startup and every Sync, Query and FunctionCall the client sends
 * is answered by exactly one ReadyForQuery, in order. So when the frontend thread forwards a COMMIT whose reply
 * is to be withheld, the number of those it has forwarded so far says which ReadyForQuery ends the last reply the
 * client may still see. It records that number before the COMMIT's bytes leave the proxy; the backend thread drops
 * every message after that ReadyForQuery, up to and including the one that ends the COMMIT's reply. Replies that
 * were still in flight to earlier requests reach the client; nothing the server sent about the COMMIT does.
 */
final class ProxiedConnection {

    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int BUFFER = 64 * 1024;

    private final PgProxy proxy;
    private final Socket client;
    private final Socket server = new Socket();
    private final String name;
    private final Thread frontend;
    private final AtomicReference<Runnable> armedFault = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CommitDetector detector = new CommitDetector();
    private int readyRequestsForwarded; // frontend thread only
    // -1, or the number of ReadyForQuery messages the client still gets; the backend drops what follows them.
    private volatile int withholdAfterReady = -1;
    private volatile boolean backendDone;
    private volatile Thread backend;

    ProxiedConnection(PgProxy proxy, Socket client, String name) {
        this.proxy = proxy;
        this.client = client;
        this.name = name;
        this.frontend = PgProxy.daemon(this::relayFrontend, name + "-frontend");
    }

    void start() {
        frontend.start();
    }

    /** Closes both sides; the relay threads end on their next read or write. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            PgProxy.closeQuietly(client);
            PgProxy.closeQuietly(server);
            proxy.ended(this);
        }
    }

    void join(long deadlineNanos) throws InterruptedException {
        for (Thread thread : new Thread[] {frontend, backend}) {
            if (thread != null) {
                TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadlineNanos - System.nanoTime()));
            }
        }
    }

    private void relayFrontend() {
        try {
            server.connect(new InetSocketAddress(proxy.targetHost(), proxy.targetPort()), CONNECT_TIMEOUT_MS);
            server.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            backend = PgProxy.daemon(this::relayBackend, name + "-backend");
            backend.start();
            DataInputStream in = input(client);
            OutputStream out = output(server);
            if (relayStartup(in, out)) {
                relayMessages(in, out);
            }
        } catch (IOException e) {
            // The client or the server went away, or the proxy closed the connection: the relay is over either way.
        } finally {
            close();
            if (backendDone) {
                // The backend thread ended before a COMMIT was armed; the action must still run, once.
                runArmedFault();
            }
        }
    }

    /** Relays the startup phase; false when nothing follows it (the client left, or it was a CancelRequest). */
    private boolean relayStartup(DataInputStream in, OutputStream out) throws IOException {
        while (true) {
            byte[] packet = PgMessages.readStartup(in);
            if (packet == null) {
                return false;
            }
            int code = PgMessages.requestCode(packet);
            if (code == PgMessages.SSL_REQUEST || code == PgMessages.GSSENC_REQUEST) {
                // The proxy has to read the messages, so it refuses encryption; with 'N' pgjdbc's default
                // (sslmode=prefer) goes on in plain text on the same socket.
                client.getOutputStream().write('N');
                continue;
            }
            out.write(packet);
            out.flush();
            readyRequestsForwarded = 1;
            return code != PgMessages.CANCEL_REQUEST;
        }
    }

    private void relayMessages(DataInputStream in, OutputStream out) throws IOException {
        while (true) {
            if (in.available() == 0) {
                out.flush();
            }
            Message message = PgMessages.read(in);
            if (message == null) {
                return;
            }
            if (detector.executesCommit(message)) {
                arm(proxy.commitForwarded());
            }
            message.writeTo(out);
            byte type = message.type;
            if (type == PgMessages.SYNC || type == PgMessages.QUERY || type == PgMessages.FUNCTION_CALL) {
                readyRequestsForwarded++;
            }
            if (type == PgMessages.TERMINATE) {
                out.flush();
                return;
            }
        }
    }

    private void arm(Runnable fault) {
        if (fault == null) {
            return;
        }
        if (withholdAfterReady < 0) {
            withholdAfterReady = readyRequestsForwarded;
        }
        // A second withheld COMMIT on this connection is already inside the cut: its action runs with the first's.
        armedFault.getAndUpdate(previous -> previous == null
                ? fault
                : () -> {
                    previous.run();
                    fault.run();
                });
    }

    private void relayBackend() {
        OutputStream out = null;
        try {
            out = output(client);
            relayReplies(input(server), out);
        } catch (IOException e) {
            // Either side went away or the proxy closed the connection.
        } finally {
            backendDone = true;
            flushQuietly(out);
            runArmedFault();
            close();
        }
    }

    /** Returns once the withheld COMMIT has been answered in full, or when the server's stream ends. */
    private void relayReplies(DataInputStream in, OutputStream out) throws IOException {
        int ready = 0;
        while (true) {
            if (in.available() == 0) {
                out.flush();
            }
            Message message = PgMessages.read(in);
            if (message == null) {
                return;
            }
            int cut = withholdAfterReady;
            boolean withheld = cut >= 0 && ready >= cut;
            if (!withheld) {
                message.writeTo(out);
            }
            if (message.type == PgMessages.READY_FOR_QUERY) {
                ready++;
                if (withheld) {
                    return;
                }
            }
        }
    }

    private void runArmedFault() {
        Runnable fault = armedFault.getAndSet(null);
        if (fault == null) {
            return;
        }
        try {
            fault.run();
        } catch (RuntimeException | AssertionError e) {
            proxy.faultFailed(e);
        }
        // Counted before the close, so a client that has seen its failure also sees the count.
        proxy.faultDone();
        close();
    }

    private static void flushQuietly(OutputStream out) {
        if (out != null) {
            try {
                out.flush();
            } catch (IOException e) {
                // The client is gone; there is no one left to deliver to.
            }
        }
    }

    private static DataInputStream input(Socket socket) throws IOException {
        return new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER));
    }

    private static OutputStream output(Socket socket) throws IOException {
        return new BufferedOutputStream(socket.getOutputStream(), BUFFER);
    }
}
