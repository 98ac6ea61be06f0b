package io.pgsink.worker;

import io.pgsink.batch.AdaptiveSizeTarget;
import io.pgsink.batch.Batcher;
import io.pgsink.batch.SizeTarget;
import io.pgsink.config.ConfigException;
import io.pgsink.config.Route;
import io.pgsink.config.Routing;
import io.pgsink.config.SinkConfig;
import io.pgsink.error.RetryPolicy;
import io.pgsink.error.Sleeper;
import io.pgsink.model.SinkRecord;
import io.pgsink.pg.FailureDescription;
import io.pgsink.pg.TableCheck;
import io.pgsink.pg.TargetTable;
import io.pgsink.schema.SchemaException;
import io.pgsink.write.BatchWriter;
import io.pgsink.write.FailurePolicy;
import io.pgsink.write.WriteContext;
import io.pgsink.write.WriteListener;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a route meets its tables: resolves a topic to its route and table, opens the table's {@link TargetTable}
 * (once per route and table, shared by the lanes) and builds the batcher and {@link BatchWriter} a lane writes it
 * with. This is the one construction point of everything a route's settings shape: {@link
 * TargetTable#forRoute} receives the {@link Route}, and the decoding (format, mapping, key source) and the
 * loaders (write mode, deletes) it builds take their settings from there.
 */
final class TableWriters {

    private static final Logger LOG = LoggerFactory.getLogger(TableWriters.class);
    private static final Duration RETRY_INITIAL = Duration.ofMillis(100);
    /**
     * The longest wait between retries of a failing write (before jitter): short, since writing should resume
     * within about a second of the database coming back, and a retry of a refused connection costs next to
     * nothing.
     */
    private static final Duration RETRY_MAX = Duration.ofMillis(500);
    /** Where an adaptive batch size starts: small enough for low latency, grown from there under load. */
    private static final int ADAPTIVE_START = 500;

    private final SinkConfig config;
    private final Routing routing;
    private final Resources resources;
    private final Map<String, TargetTable> tables = new ConcurrentHashMap<>();
    // Batch ids are unique per worker, across its lanes and tables: they name a batch in events, logs and audit rows.
    private final AtomicLong batchIds = new AtomicLong();

    TableWriters(SinkConfig config, Resources resources) {
        this.config = config;
        this.routing = config.routing();
        this.resources = resources;
    }

    /**
     * Opens every table known before any record arrives (fixed names, and templates filled in with listed
     * topics) and checks each against its route.
     *
     * @throws ConfigException naming every route and table that does not fit, at once
     * @throws IllegalStateException when the database cannot be read
     */
    void openKnownTables() {
        List<String> problems = new ArrayList<>();
        for (Route route : routing.routes()) {
            for (String table : TableCheck.knownTables(route)) {
                try {
                    if (TargetTable.createdOnFirstRecord(resources.pool(), route, table)) {
                        LOG.info(
                                "route {}: table {} does not exist; it is created from the schema of its first"
                                        + " record (auto.create)",
                                route.name(),
                                table);
                        continue;
                    }
                    TargetTable opened = table(route, table, null);
                    LOG.info(
                            "route {}: topics {} -> table {} ({} mode, key {})",
                            route.name(),
                            route.topicPattern() == null ? route.topics() : "/" + route.topicPattern() + "/",
                            table,
                            route.mode(),
                            opened.keyDescription());
                } catch (SchemaException e) {
                    problems.add("route." + route.name() + ".table: table " + table + ": " + e.getMessage());
                } catch (SQLException e) {
                    throw unreadable(table, e);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** The batch size target a table starts with. */
    int initialTarget() {
        return sizeTarget().records();
    }

    /** A lane's opener: each of its tables is written with the listener {@code listeners} makes for its route and table. */
    TableOpener forLane(BiFunction<String, String, WriteListener> listeners) {
        return first -> open(first, listeners);
    }

    private LaneTable open(SinkRecord first, BiFunction<String, String, WriteListener> listeners) {
        String topic = first.topic();
        Route route;
        try {
            route = routing.routeOf(topic);
        } catch (Routing.RouteException e) {
            return LaneTable.failed(null, null, e.getMessage());
        }
        String table = route.table();
        try {
            table = routing.tableOf(topic);
            TargetTable target = table(route, table, first);
            Batcher batcher =
                    new Batcher(Clock.systemUTC(), sizeTarget(), config.batchMaxBytes(), config.batchLinger());
            BatchWriter writer = new BatchWriter(
                    target,
                    resources.deadLetters(),
                    new RetryPolicy(RETRY_INITIAL, RETRY_MAX, config.retryBudget(), Sleeper.SYSTEM, Clock.systemUTC()),
                    listeners.apply(route.name(), target.name()),
                    FailurePolicy.of(config.errors(), Clock.systemUTC()),
                    resources.progress(),
                    new WriteContext(route.name(), batchIds::incrementAndGet, resources.audit()));
            return new LaneTable(route.name(), table, batcher, writer);
        } catch (Routing.RouteException | SchemaException | IllegalStateException e) {
            return LaneTable.failed(route.name(), table, e.getMessage());
        }
    }

    /**
     * The route's table, opened once and shared by every lane.
     *
     * @param first the first record of a topic of the table (its schema creates a missing table where the route
     *     says so), or null at start
     */
    private TargetTable table(Route route, String table, SinkRecord first) {
        return tables.computeIfAbsent(route.name() + '\u0000' + table, key -> {
            try {
                return TargetTable.forRoute(resources.pool(), config, route, table, first);
            } catch (SQLException e) {
                throw unreadable(table, e);
            }
        });
    }

    private IllegalStateException unreadable(String table, Exception e) {
        return new IllegalStateException(
                "cannot read table " + table + " from " + config.redactedPostgresUrl() + ": "
                        + FailureDescription.of(e).withAdvice(),
                e);
    }

    /** Adaptive between a small start and batch.max.records, or fixed when no latency target is set. */
    private SizeTarget sizeTarget() {
        if (config.batchTargetLatency().isZero()) {
            return SizeTarget.fixed(config.batchMaxRecords());
        }
        return new AdaptiveSizeTarget(
                Clock.systemUTC(),
                Math.min(ADAPTIVE_START, config.batchMaxRecords()),
                config.batchMaxRecords(),
                config.batchTargetLatency());
    }
}
