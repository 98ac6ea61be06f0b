package io.pgsink.testing;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy on 127.0.0.1 between JDBC clients and a PostgreSQL server that injects the fault "a COMMIT reached
 * the server, but its reply never reached the client", the case where a client cannot know whether its
 * transaction committed.
 *
 * <p>The proxy reads the PostgreSQL v3 protocol in both directions, message by message, and relays every message
 * unchanged. It finds COMMITs by following the frontend's prepared statements and portals (Parse, Bind, Execute,
 * Close) and simple Query messages, so a COMMIT that pgjdbc prepared once and then only binds and executes counts
 * every time. {@link #commits()} counts COMMITs forwarded, on all connections. After
 * {@link #withholdReplyToCommit(int, Runnable)}, the n-th COMMIT from then on is forwarded, and the proxy
 *
 * <ol>
 *   <li>relays nothing the server sends in reply to the Sync or Query that carries the COMMIT, nor anything after
 *       it, on that connection; replies to earlier requests still reach the client;
 *   <li>waits until the server has answered the COMMIT in full (its ReadyForQuery), or closed the connection, so
 *       the transaction's outcome is settled on the server when the action runs;
 *   <li>runs the action on a proxy thread (a test may crash or restart the server there, or do nothing), and
 *   <li>closes both sides of that connection. The client then fails with an I/O error: pgjdbc throws an
 *       {@code SQLException} with SQLSTATE {@code 08006}.
 * </ol>
 *
 * If the connection ends earlier (the client gives up, the server goes away, {@link #dropAllConnections()}), the
 * action still runs, once. Other connections are untouched and new ones are relayed normally: a fault is one-shot.
 * Each new connection opens its own connection to the target, so after a restart on the same port clients reach
 * the new server.
 *
 * <p>Limits: no encryption (the proxy answers 'N' to SSLRequest and GSSENCRequest, so {@code sslmode=require}
 * fails; pgjdbc's default {@code prefer} works); a COMMIT is a statement whose whole text is {@code COMMIT} with
 * an optional semicolon, in any case: {@code END}, {@code COMMIT PREPARED} and multi-statement queries do not
 * count; what counts is a COMMIT forwarded, not one the server executed (it skips an Execute after an error up to
 * the next Sync); at most {@value #MAX_CONNECTIONS} connections at a time, further ones are closed on arrival;
 * when the server cannot be reached, the client sees its connection closed rather than refused.
 */
public final class PgProxy implements Closeable {

    static final int MAX_CONNECTIONS = 64;
    private static final long CLOSE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    // By address, not name: "localhost" may resolve to ::1 first, and the URLs name 127.0.0.1.
    static final InetAddress LOOPBACK = loopback();
    private static final Pattern JDBC_URL = Pattern.compile("(jdbc:postgresql://)([^/?#]*)(.*)", Pattern.DOTALL);

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionNumbers = new AtomicInteger();
    private final AtomicInteger withheldCommits = new AtomicInteger();
    private final AtomicReference<Throwable> faultFailure = new AtomicReference<>();
    private final Object commitLock = new Object();
    private int commits; // guarded by commitLock
    private int faultAtCommit; // guarded by commitLock
    private Runnable pendingFault; // guarded by commitLock
    private volatile boolean closed;

    private PgProxy(String targetHost, int targetPort, ServerSocket listener) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = listener;
        this.acceptor = daemon(this::accept, "pg-proxy-" + listener.getLocalPort() + "-accept");
    }

    /** Starts a proxy to the given server, listening on 127.0.0.1 on a free port. */
    public static PgProxy start(String targetHost, int targetPort) {
        try {
            ServerSocket listener = new ServerSocket(0, 50, LOOPBACK);
            PgProxy proxy = new PgProxy(targetHost, targetPort, listener);
            proxy.acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("the proxy could not listen on 127.0.0.1", e);
        }
    }

    /** Starts a proxy to the server of a single-host {@code jdbc:postgresql://host[:port]/...} URL. */
    public static PgProxy startFor(String jdbcUrl) {
        String hostAndPort = parse(jdbcUrl).group(2);
        int colon = hostAndPort.lastIndexOf(':');
        boolean hasPort = colon > hostAndPort.lastIndexOf(']');
        String host = hasPort ? hostAndPort.substring(0, colon) : hostAndPort;
        host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        int port = hasPort ? Integer.parseInt(hostAndPort.substring(colon + 1)) : 5432;
        return start(host.isEmpty() ? "localhost" : host, port);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The URL with its host and port replaced by the proxy's; database and parameters are kept. */
    public String jdbcUrl(String originalJdbcUrl) {
        Matcher matcher = parse(originalJdbcUrl);
        return matcher.group(1) + "127.0.0.1:" + port() + matcher.group(3);
    }

    /** COMMITs forwarded to the server so far, on all connections, withheld ones included. */
    public int commits() {
        synchronized (commitLock) {
            return commits;
        }
    }

    /**
     * Withholds the reply to the {@code n}-th COMMIT forwarded from now on (1 is the next one), as the class
     * describes, running {@code afterForwarding} before closing that connection. One fault may be pending at a time.
     * What the action throws is rethrown, wrapped, by {@link #close()}.
     */
    public void withholdReplyToCommit(int n, Runnable afterForwarding) {
        if (n < 1) {
            throw new IllegalArgumentException("n counts COMMITs from 1, got " + n);
        }
        Objects.requireNonNull(afterForwarding, "afterForwarding");
        synchronized (commitLock) {
            if (pendingFault != null) {
                throw new IllegalStateException("a withheld COMMIT is already pending");
            }
            faultAtCommit = commits + n;
            pendingFault = afterForwarding;
        }
    }

    /** COMMITs whose reply was withheld and whose action has run; counted before their connection is closed. */
    public int withheldCommits() {
        return withheldCommits.get();
    }

    /** Closes every relayed connection now; clients see an I/O error on their next use. New ones are relayed. */
    public void dropAllConnections() {
        List.copyOf(connections).forEach(ProxiedConnection::close);
    }

    /**
     * Stops accepting, closes every connection and waits (boundedly) for the relay threads to end. Throws if an
     * {@code afterForwarding} action failed, so the failure reaches the test that set it up.
     */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        List<ProxiedConnection> open = List.copyOf(connections);
        open.forEach(ProxiedConnection::close);
        long deadline = System.nanoTime() + CLOSE_TIMEOUT_NANOS;
        try {
            TimeUnit.NANOSECONDS.timedJoin(acceptor, CLOSE_TIMEOUT_NANOS);
            for (ProxiedConnection connection : open) {
                connection.join(deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Throwable failure = faultFailure.get();
        if (failure != null) {
            throw new IllegalStateException("the afterForwarding action of a withheld COMMIT failed", failure);
        }
    }

    String targetHost() {
        return targetHost;
    }

    int targetPort() {
        return targetPort;
    }

    /** Counts a COMMIT about to be forwarded; returns the action if its reply is the one to withhold, else null. */
    Runnable commitForwarded() {
        synchronized (commitLock) {
            commits++;
            if (pendingFault == null || commits != faultAtCommit) {
                return null;
            }
            Runnable fault = pendingFault;
            pendingFault = null;
            return fault;
        }
    }

    void faultFailed(Throwable failure) {
        faultFailure.compareAndSet(null, failure);
    }

    void faultDone() {
        withheldCommits.incrementAndGet();
    }

    void ended(ProxiedConnection connection) {
        connections.remove(connection);
    }

    static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // Closing is best effort: the peer may already have gone.
        }
    }

    private void accept() {
        while (!closed) {
            try {
                admit(listener.accept());
            } catch (IOException e) {
                return; // the listener was closed
            }
        }
    }

    private void admit(Socket client) {
        if (closed || connections.size() >= MAX_CONNECTIONS) {
            closeQuietly(client);
            return;
        }
        String name = "pg-proxy-" + port() + "-" + connectionNumbers.incrementAndGet();
        ProxiedConnection connection = new ProxiedConnection(this, client, name);
        connections.add(connection);
        if (closed) {
            connection.close(); // close() may have taken its snapshot before this connection was added
        }
        connection.start();
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an IPv4 address", e);
        }
    }

    private static Matcher parse(String jdbcUrl) {
        Matcher matcher = JDBC_URL.matcher(jdbcUrl);
        if (!matcher.matches() || matcher.group(2).contains(",")) {
            // The URL itself stays out of the message: its parameters may hold a password.
            throw new IllegalArgumentException("expected a single-host jdbc:postgresql://host[:port]/database URL");
        }
        return matcher;
    }
}
