package io.pgsink.pg;

import io.pgsink.config.KeySource;
import io.pgsink.config.Route;
import io.pgsink.config.SinkConfig;
import io.pgsink.config.WriteMode;
import io.pgsink.decode.KeyColumns;
import io.pgsink.decode.MappingCheck;
import io.pgsink.model.TableRef;
import io.pgsink.schema.SchemaException;
import io.pgsink.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The database half of {@code pgsink validate}, per route: is the database reachable, does each table a route
 * names exist and fit the route as the worker would check it at start (key columns; in upsert mode a unique index
 * on exactly the key, the {@code ON CONFLICT} arbiter; in update mode or with deletes a unique index among the key
 * columns; the mapping, by {@link MappingCheck}). The tables of a route are its fixed table, or a {@code ${topic}}
 * template filled in with each listed topic; tables made from topics a pattern finds later are checked when the
 * worker first sees them. Reads the catalog only; changes nothing.
 */
public final class TableCheck {

    /** One finding: what was checked, whether it is fine, and what was found or how to fix it. */
    public record Finding(String subject, boolean ok, String detail) {}

    /** What the check found, and per route name the key in use where a table of it could be read. */
    public record Result(List<Finding> findings, Map<String, List<String>> keys) {}

    private TableCheck() {}

    public static Result run(SinkConfig config) {
        List<Finding> findings = new ArrayList<>();
        ConnectionPool pool;
        try {
            pool = ConnectionPool.open(config);
        } catch (RuntimeException e) {
            findings.add(new Finding(
                    "database",
                    false,
                    "cannot connect to " + config.redactedPostgresUrl() + " ("
                            + FailureDescription.of(e).message()
                            + "): check postgres.url, postgres.user and postgres.password and that the server is up"));
            return new Result(findings, Map.of());
        }
        try (pool) {
            findings.add(new Finding("database", true, "connected to " + config.redactedPostgresUrl()));
            Map<String, List<String>> keys = new LinkedHashMap<>();
            for (Route route : config.routes()) {
                for (String table : knownTables(route)) {
                    List<String> key = table(pool.dataSource(), config, route, table, findings);
                    if (key != null) {
                        keys.putIfAbsent(route.name(), key);
                    }
                }
            }
            if (config.exactlyOnce()) {
                findings.add(progressTable(pool.dataSource(), config));
            }
            return new Result(findings, keys);
        }
    }

    /** The tables known before any record arrives: the fixed name, or the template filled in per listed topic. */
    public static Set<String> knownTables(Route route) {
        Set<String> known = new LinkedHashSet<>();
        if (!route.table().contains(Route.TOPIC_PLACEHOLDER)) {
            known.add(route.table());
        } else {
            route.topics().forEach(topic -> known.add(route.tableFor(topic)));
        }
        return known;
    }

    private static List<String> table(
            DataSource dataSource, SinkConfig config, Route route, String table, List<Finding> findings) {
        String prefix = route.name().equals(Route.DEFAULT_NAME) ? "" : "route " + route.name() + ": ";
        String subject = prefix + "table " + table;
        TableRef ref = TableRef.parse(table);
        List<String> configured =
                route.keySource() == KeySource.COORDINATES && route.keyColumns().isEmpty()
                        ? KeyColumns.coordinates(route.mapping())
                        : route.keyColumns();
        try (Connection connection = dataSource.getConnection()) {
            TargetTable target = TargetTable.open(
                    dataSource,
                    ref,
                    route.mode(),
                    configured,
                    config.unknownFields(),
                    config.writeMethod(),
                    route.missingRows(),
                    null);
            TableSchema schema = Catalog.load(connection, ref);
            findings.add(new Finding(
                    subject, true, schema.columns().size() + " writable column(s), key " + target.keyDescription()));
            List<String> key = target.keyColumnNames();
            Finding coverage = keyCoverage(connection, route, ref, key, prefix);
            if (coverage != null) {
                findings.add(coverage);
            }
            List<String> problems = MappingCheck.problems(route, schema);
            if (!problems.isEmpty()) {
                findings.add(new Finding(prefix + "mapping into " + table, false, String.join("; ", problems)));
            }
            return key;
        } catch (SchemaException | IllegalStateException e) {
            findings.add(new Finding(subject, false, e.getMessage()));
        } catch (SQLException e) {
            findings.add(new Finding(
                    subject,
                    false,
                    "cannot be read: " + FailureDescription.of(e).withAdvice()));
        }
        return null;
    }

    /**
     * An upsert's ON CONFLICT needs a unique index on exactly the key columns, or PostgreSQL refuses it (42P10);
     * updates and deletes by key need one among them, or one record could touch many rows. Null when the route's
     * mode and deletes do not match rows by key.
     */
    private static Finding keyCoverage(
            Connection connection, Route route, TableRef table, List<String> key, String prefix) throws SQLException {
        boolean exact = route.mode() == WriteMode.UPSERT;
        if (!(exact || route.mode() == WriteMode.UPDATE || route.deletes()) || key.isEmpty()) {
            return null;
        }
        String why = exact ? "mode upsert" : route.mode() == WriteMode.UPDATE ? "mode update" : "deletes";
        boolean found = KeyCoverage.covered(connection, table, key, exact);
        String keyName =
                route.name().equals(Route.DEFAULT_NAME) ? "key.columns" : "route." + route.name() + ".key.columns";
        return new Finding(
                prefix + "key " + key,
                found,
                found
                        ? "covered by a unique index (" + why + ")"
                        : "no unique index or primary key " + (exact ? "on exactly" : "among") + " these columns,"
                                + " which " + why + " needs: CREATE UNIQUE INDEX ON " + table + " ("
                                + String.join(", ", key) + "), or fix " + keyName);
    }

    private static Finding progressTable(DataSource dataSource, SinkConfig config) {
        String subject = "progress table " + config.progressTable();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, TableRef.parse(config.progressTable()).quoted());
            try (ResultSet rs = ps.executeQuery()) {
                boolean exists = rs.next() && rs.getBoolean(1);
                return new Finding(subject, true, exists ? "exists" : "missing: the worker creates it at start");
            }
        } catch (SQLException e) {
            return new Finding(
                    subject,
                    false,
                    "cannot be read: " + FailureDescription.of(e).withAdvice());
        }
    }
}
