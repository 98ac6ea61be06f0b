package io.pgsink.pg;

import io.pgsink.config.SinkConfig;
import io.pgsink.config.WriteMode;
import io.pgsink.model.TableRef;
import io.pgsink.schema.SchemaException;
import io.pgsink.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The database half of {@code pgsink validate}: is the database reachable, does the table exist and fit the
 * settings as the worker would check them at start, and, in upsert mode, is the key backed by a unique index (the
 * {@code ON CONFLICT} arbiter). Reads the catalog only; changes nothing.
 */
public final class TableCheck {

    private static final String UNIQUE_INDEX_SQL = "SELECT EXISTS (SELECT 1 FROM pg_index i"
            + " WHERE i.indrelid = to_regclass(?) AND i.indisunique AND i.indisvalid AND i.indpred IS NULL"
            + " AND i.indexprs IS NULL AND i.indnkeyatts = cardinality(?::text[])"
            + " AND (SELECT array_agg(a.attname::text) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)"
            + "      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum WHERE k.n <= i.indnkeyatts)"
            + "     @> ?::text[])";

    /** One finding: what was checked, whether it is fine, and what was found or how to fix it. */
    public record Finding(String subject, boolean ok, String detail) {}

    /** What the check found, and the key in use when the table could be read (else null). */
    public record Result(List<Finding> findings, List<String> key) {}

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
            return new Result(findings, null);
        }
        try (pool) {
            findings.add(new Finding("database", true, "connected to " + config.redactedPostgresUrl()));
            List<String> key = table(pool.dataSource(), config, findings);
            if (config.exactlyOnce()) {
                findings.add(progressTable(pool.dataSource(), config));
            }
            return new Result(findings, key);
        }
    }

    private static List<String> table(DataSource dataSource, SinkConfig config, List<Finding> findings) {
        String subject = "table " + config.table();
        TargetTable table;
        TableSchema schema;
        try (Connection connection = dataSource.getConnection()) {
            table = TargetTable.forConfig(dataSource, config);
            schema = Catalog.load(connection, TableRef.parse(config.table()));
            findings.add(new Finding(
                    subject, true, schema.columns().size() + " writable column(s), key " + table.keyDescription()));
            if (config.writeMode() == WriteMode.UPSERT) {
                findings.add(uniqueIndex(connection, config, table.keyColumnNames()));
            }
            return table.keyColumnNames();
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

    /** An upsert's ON CONFLICT needs a unique index on exactly the key columns, or PostgreSQL refuses it (42P10). */
    private static Finding uniqueIndex(Connection connection, SinkConfig config, List<String> key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(UNIQUE_INDEX_SQL)) {
            ps.setString(1, TableRef.parse(config.table()).quoted());
            ps.setArray(2, connection.createArrayOf("text", key.toArray()));
            ps.setArray(3, connection.createArrayOf("text", key.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                boolean found = rs.next() && rs.getBoolean(1);
                return new Finding(
                        "key " + key,
                        found,
                        found
                                ? "covered by a unique index (write.mode=upsert)"
                                : "no unique index or primary key on exactly these columns, which write.mode=upsert"
                                        + " needs: CREATE UNIQUE INDEX ON " + config.table() + " ("
                                        + String.join(", ", key) + "), or fix key.columns");
            }
        }
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
