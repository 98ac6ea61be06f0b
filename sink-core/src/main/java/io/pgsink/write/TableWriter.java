package io.pgsink.write;

import com.zaxxer.hikari.HikariDataSource;
import io.pgsink.config.SinkConfig;
import io.pgsink.config.UnknownFieldPolicy;
import io.pgsink.config.WriteMethod;
import io.pgsink.config.WriteMode;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TableRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Writes decoded records into one table. Reads the table's columns once at start, checks the key columns, then
 * decodes records ({@link #prepare}) and opens {@link WriteSession}s on pooled connections. Thread safe.
 */
public final class TableWriter {

    private final DataSource dataSource;
    private final TableSchema schema;
    private final WriteMode mode;
    private final List<Column> keyColumns;
    private final RowDecoder decoder;
    private final SqlTemplates templates;
    private final int[] conflictKey;
    private final WriteMethod method;

    private TableWriter(DataSource dataSource, TableSchema schema, WriteMode mode, List<Column> keyColumns,
                        UnknownFieldPolicy unknownFields, WriteMethod method) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.mode = mode;
        this.keyColumns = keyColumns;
        this.method = method;
        this.decoder = new RowDecoder(schema, mode == WriteMode.UPSERT ? keyColumns : List.of(),
            unknownFields == UnknownFieldPolicy.REJECT);
        this.templates = new SqlTemplates(schema, mode, keyColumns);
        this.conflictKey = mode == WriteMode.UPSERT ? keyColumns.stream().mapToInt(Column::index).toArray() : new int[0];
    }

    /**
     * Reads the table's schema and resolves the key columns: the configured ones, or the primary key when none
     * are configured. Upsert mode needs a key.
     *
     * @param method how sessions send rows: COPY or a JDBC batch
     * @throws SchemaException when the table or a key column does not exist, or upsert mode has no key
     */
    public static TableWriter open(DataSource dataSource, TableRef table, WriteMode mode, List<String> keyNames,
                                   UnknownFieldPolicy unknownFields, WriteMethod method) throws SQLException {
        TableSchema schema;
        try (Connection connection = dataSource.getConnection()) {
            schema = TableSchema.load(connection, table);
        }
        List<String> names = keyNames.isEmpty() ? schema.primaryKey() : keyNames;
        List<Column> keys = new ArrayList<>();
        for (String name : names) {
            keys.add(schema.column(name).orElseThrow(() -> new SchemaException("key column \"" + name
                + "\" does not exist in table " + table + ": fix key.columns or add the column")));
        }
        if (mode == WriteMode.UPSERT && keys.isEmpty()) {
            throw new SchemaException("write.mode=upsert needs a key, but table " + table + " has no primary key"
                + " and key.columns is empty: set key.columns to the columns of a unique constraint");
        }
        return new TableWriter(dataSource, schema, mode, keys, unknownFields, method);
    }

    /**
     * Opens the writer for a worker's settings.
     *
     * @throws SchemaException when the table does not fit the settings
     * @throws IllegalStateException when the table cannot be read (database unreachable, say)
     */
    public static TableWriter forConfig(DataSource dataSource, SinkConfig config) {
        try {
            return open(dataSource, TableRef.parse(config.table()), config.writeMode(), config.keyColumns(),
                config.unknownFields(), config.writeMethod());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read table " + config.table() + " from "
                + config.redactedPostgresUrl() + ": " + e.getMessage(), e);
        }
    }

    /** Decodes a batch; rows keep the records' order (see {@link PreparedBatch} for repeated keys). */
    public PreparedBatch prepare(List<SinkRecord> records) {
        List<Row> rows = new ArrayList<>(records.size());
        Map<Integer, DecodeException> failures = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            try {
                rows.add(decoder.decode(i, records.get(i).value()));
            } catch (DecodeException e) {
                failures.put(i, e);
            }
        }
        return new PreparedBatch(rows, failures, conflictKey);
    }

    /** Opens a session on a pooled connection; close it to return the connection. */
    public WriteSession openSession() throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            return new WriteSession(connection, templates, method);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * What became of a transaction whose COMMIT went unanswered: true if committed, false if rolled back, empty
     * while the server does not know (still in progress, or too old to tell).
     */
    public Optional<Boolean> committed(long transactionId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement("SELECT txid_status(?)")) {
            ps.setLong(1, transactionId);
            try (ResultSet rs = ps.executeQuery()) {
                String status = rs.next() ? rs.getString(1) : null;
                if ("committed".equals(status)) {
                    return Optional.of(true);
                }
                return "aborted".equals(status) ? Optional.of(false) : Optional.empty();
            }
        }
    }

    /** The key columns in use, for messages. */
    public String keyDescription() {
        return keyColumns.stream().map(Column::name).collect(Collectors.joining(", ", "(", ")"));
    }

    /**
     * Takes a closed session's connection out of the pool for good, e.g. after it reached a read-only server.
     * Call it after {@link WriteSession#close()}.
     */
    public void evict(WriteSession session) {
        if (dataSource instanceof HikariDataSource) {
            ((HikariDataSource) dataSource).evictConnection(session.connection());
        }
    }
}
