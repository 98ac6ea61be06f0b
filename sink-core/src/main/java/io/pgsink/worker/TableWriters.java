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
import io.pgsink.pg.FailureDescription;
import io.pgsink.pg.TableCheck;
import io.pgsink.pg.TargetTable;
import io.pgsink.schema.SchemaException;
import io.pgsink.write.BatchWriter;
import io.pgsink.write.FailurePolicy;
import io.pgsink.write.WriteListener;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
            problems.addAll(notYetWritable(route));
            for (String table : TableCheck.knownTables(route)) {
                try {
                    TargetTable opened = table(route, table);
                    LOG.info(
                            "route {}: topics {} -> table {} ({} mode, key {})",
                            route.name(),
                            route.topicPattern() == null ? route.topics() : "/" + route.topicPattern() + "/",
                            table,
                            route.mode(),
                            opened.keyDescription());
                } catch (SchemaException e) {
                    problems.add("route." + route.name() + ".table: table " + table + ": " + e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Route settings this build parses but does not act on yet: refused at start rather than ignored. */
    static List<String> notYetWritable(Route route) {
        String prefix = "route." + route.name() + ".";
        String later = " is not available in this build yet; remove it";
        List<String> problems = new ArrayList<>();
        if (route.autoCreate() || route.autoAddColumns()) {
            problems.add(prefix + "auto.create, auto.add.columns: schema evolution" + later);
        }
        return problems;
    }

    /** An enum constant as configured: lower case, '-' for '_'. */
    private static String configName(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The batch size target a table starts with. */
    int initialTarget() {
        return sizeTarget().records();
    }

    /** A lane's opener: its tables are written with {@code listener}, the lane's reports. */
    TableOpener forLane(WriteListener listener) {
        return topic -> open(topic, listener);
    }

    private LaneTable open(String topic, WriteListener listener) {
        Route route;
        try {
            route = routing.routeOf(topic);
        } catch (Routing.RouteException e) {
            return LaneTable.failed(null, null, e.getMessage());
        }
        String table = route.table();
        try {
            table = routing.tableOf(topic);
            TargetTable target = table(route, table);
            Batcher batcher =
                    new Batcher(Clock.systemUTC(), sizeTarget(), config.batchMaxBytes(), config.batchLinger());
            BatchWriter writer = new BatchWriter(
                    target,
                    resources.deadLetters(),
                    new RetryPolicy(RETRY_INITIAL, RETRY_MAX, config.retryBudget(), Sleeper.SYSTEM, Clock.systemUTC()),
                    listener,
                    FailurePolicy.of(config.errors(), Clock.systemUTC()),
                    resources.progress());
            return new LaneTable(route.name(), table, batcher, writer);
        } catch (Routing.RouteException | SchemaException | IllegalStateException e) {
            return LaneTable.failed(route.name(), table, e.getMessage());
        }
    }

    /** The route's table, opened once and shared by every lane. */
    private TargetTable table(Route route, String table) {
        return tables.computeIfAbsent(route.name() + '\u0000' + table, key -> {
            try {
                return TargetTable.forRoute(resources.pool(), config, route, table);
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "cannot read table " + table + " from " + config.redactedPostgresUrl() + ": "
                                + FailureDescription.of(e).withAdvice(),
                        e);
            }
        });
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
