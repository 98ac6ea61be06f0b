package io.pgsink.client;

import io.pgsink.SinkEvent;
import io.pgsink.SinkListener;
import io.pgsink.config.WriteMethod;
import io.pgsink.error.Sleeper;
import io.pgsink.pg.ConnectionPool;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * pgsink's write engine as a library: batches of inserts, upserts, updates, deletes and parameterised statements
 * written to PostgreSQL the way the sink writes records (COPY or JDBC batches, staging merges, bisection of bad
 * rows, retries of transient failures, a circuit breaker), without Kafka. Thread safe: share one per database.
 *
 * <pre>{@code
 * try (PgBatchClient client = PgBatchClient.builder(dataSource).build();
 *         BatchResult result = client.batch()
 *                 .insert("orders", Map.of("id", 1, "total", new BigDecimal("9.90")))
 *                 .delete("carts", Map.of("id", 42))
 *                 .execute()) {
 *     result.processAll((index, outcome) -> { if (!outcome.ok()) log(outcome.failure()); });
 * }
 * }</pre>
 */
public final class PgBatchClient implements AutoCloseable {

    private final BatchEngine engine;
    private final ConnectionPool ownPool; // null when the caller gave the DataSource
    private final ExecutorService async;

    private PgBatchClient(BatchEngine engine, ConnectionPool ownPool, int asyncThreads) {
        this.engine = engine;
        this.ownPool = ownPool;
        AtomicInteger n = new AtomicInteger();
        this.async = Executors.newFixedThreadPool(asyncThreads, r -> {
            Thread t = new Thread(r, "pgsink-client-async-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A client over the caller's pool; acquisition timeouts are that pool's own setting. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"), null, null, null);
    }

    /** A client with a pool of its own (HikariCP), closed with the client. */
    public static Builder builder(String jdbcUrl, String user, String password) {
        return new Builder(null, Objects.requireNonNull(jdbcUrl, "jdbcUrl"), user, password);
    }

    /** A new batch; each {@code execute} takes a pooled connection and its result gives it back when closed. */
    public BatchBuilder batch() {
        return new BatchBuilder(this::execute, async);
    }

    /** A session holding one connection for batch after batch (see {@link BatchSession}). */
    public BatchSession session() {
        return new BatchSession(engine);
    }

    /** A writer many threads hand operations to, flushed in adaptive micro-batches (see {@link QueueingWriter}). */
    public QueueingWriter.Builder queueingWriter() {
        return new QueueingWriter.Builder(engine);
    }

    /** Whether the circuit breaker is failing batches fast now. */
    public boolean circuitOpen() {
        return engine.breakerOpen();
    }

    /**
     * Connections of the client's own pool as {@code [active, idle, total]}, for a leak check; zeros for a pool
     * the caller gave.
     */
    public int[] poolUsage() {
        return ownPool == null ? new int[] {0, 0, 0} : ownPool.usage();
    }

    private BatchResult execute(java.util.List<Op> ops) {
        SessionLease lease = new SessionLease(engine);
        return Execution.run(engine, ops, lease, lease::close);
    }

    /** Stops the executor of {@code executeAsync} and closes the client's own pool, if any. */
    @Override
    public void close() {
        async.shutdown();
        if (ownPool != null) {
            ownPool.close();
        }
    }

    /** Settings of a client; every one has a default (see docs/library.md). */
    public static final class Builder {
        private final DataSource dataSource;
        private final String url;
        private final String user;
        private final String password;
        private Settings settings = Settings.defaults();
        private int poolSize = 8;
        private Duration acquireTimeout = Duration.ofSeconds(5);
        private Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());
        private SinkListener listener;

        private Builder(DataSource dataSource, String url, String user, String password) {
            this.dataSource = dataSource;
            this.url = url;
            this.user = user;
            this.password = password;
        }

        /** COPY (default: fastest) or JDBC batches ({@code INSERT}), as {@code write.method} for the sink. */
        public Builder writeMethod(WriteMethod method) {
            settings = new Settings(
                    Objects.requireNonNull(method),
                    settings.retryInitial(),
                    settings.retryMax(),
                    settings.retryBudget(),
                    settings.statementTimeout(),
                    settings.breakerThreshold(),
                    settings.breakerOpenFor());
            return this;
        }

        /**
         * Retries of transient failures (connection lost, server restarting, serialization failure, deadlock,
         * statement timeout): exponential backoff with jitter from {@code initial} to {@code max}, for up to {@code
         * budget} per batch (zero: no retry). Default 100 ms, 5 s, 30 s.
         */
        public Builder retry(Duration initial, Duration max, Duration budget) {
            requirePositive(initial, "initial backoff");
            requirePositive(max, "max backoff");
            if (budget.isNegative()) {
                throw new IllegalArgumentException("retry budget must not be negative");
            }
            settings = new Settings(
                    settings.method(),
                    initial,
                    max,
                    budget,
                    settings.statementTimeout(),
                    settings.breakerThreshold(),
                    settings.breakerOpenFor());
            return this;
        }

        /** The connections' statement_timeout (default 60 s); a statement over it is retried as transient. */
        public Builder statementTimeout(Duration timeout) {
            requirePositive(timeout, "statement timeout");
            settings = new Settings(
                    settings.method(),
                    settings.retryInitial(),
                    settings.retryMax(),
                    settings.retryBudget(),
                    timeout,
                    settings.breakerThreshold(),
                    settings.breakerOpenFor());
            return this;
        }

        /**
         * Opens the breaker after {@code failures} batches in a row gave up on transient failures; it then fails
         * batches at once for {@code openFor} and lets one through to probe. Default 5 and 10 s; 0 turns it off.
         */
        public Builder circuitBreaker(int failures, Duration openFor) {
            if (failures < 0) {
                throw new IllegalArgumentException("circuit breaker threshold must not be negative");
            }
            requirePositive(openFor, "circuit breaker open time");
            settings = new Settings(
                    settings.method(),
                    settings.retryInitial(),
                    settings.retryMax(),
                    settings.retryBudget(),
                    settings.statementTimeout(),
                    failures,
                    openFor);
            return this;
        }

        /** The own pool's size (default 8); ignored for a caller's DataSource. */
        public Builder poolSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("pool size must be at least 1");
            }
            this.poolSize = size;
            return this;
        }

        /** How long a batch waits for a connection of the own pool (default 5 s), then retries as transient. */
        public Builder acquireTimeout(Duration timeout) {
            requirePositive(timeout, "acquire timeout");
            this.acquireTimeout = timeout;
            return this;
        }

        /**
         * Receives each batch as the worker's events ({@link SinkEvent}: started, committed per table, rejected,
         * retrying), under the route name {@code library}: the worker's Micrometer adapter ({@code
         * io.pgsink.app.Metrics.listener(registry)} in sink-app) or an application's own listener.
         */
        public Builder listener(SinkListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        public PgBatchClient build() {
            ConnectionPool pool =
                    url == null ? null : ConnectionPool.forClient(url, user, password, poolSize, acquireTimeout);
            DataSource source = pool == null ? dataSource : pool.dataSource();
            BatchEngine engine = new BatchEngine(source, settings, sleeper, Clock.systemUTC(), listener);
            return new PgBatchClient(engine, pool, poolSize);
        }

        private static void requirePositive(Duration value, String what) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
        }
    }
}
