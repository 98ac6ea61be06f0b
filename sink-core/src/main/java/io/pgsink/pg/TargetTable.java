package io.pgsink.pg;

import com.zaxxer.hikari.HikariDataSource;
import io.pgsink.config.InputFormat;
import io.pgsink.config.KeySource;
import io.pgsink.config.MissingRowPolicy;
import io.pgsink.config.Route;
import io.pgsink.config.SinkConfig;
import io.pgsink.config.UnknownFieldPolicy;
import io.pgsink.config.WriteMethod;
import io.pgsink.config.WriteMode;
import io.pgsink.decode.Change;
import io.pgsink.decode.DecodeException;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.decode.KeyColumns;
import io.pgsink.decode.KeyFields;
import io.pgsink.decode.MappingCheck;
import io.pgsink.decode.Operation;
import io.pgsink.decode.RecordFormat;
import io.pgsink.decode.Row;
import io.pgsink.decode.RowDecoder;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TableRef;
import io.pgsink.schema.Column;
import io.pgsink.schema.SchemaException;
import io.pgsink.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes decoded records into one table. Reads the table's columns at start, checks the key columns, then
 * decodes records ({@link #decode}) and opens {@link Session}s on pooled connections. Thread safe.
 *
 * <p>The table may change while the worker runs. The catalog is read again when decoding shows signs of it
 * ({@link SchemaWatch}: a field without a column, a value that fails its column's type; see {@link #current}) and
 * when the database reports a missing column or table or a type mismatch ({@link #refresh}). Each reading that
 * finds a difference is a new {@linkplain #generation() generation}: a batch is decoded by one generation and must
 * be written by a session of the same one, since both number the columns.
 */
public final class TargetTable {

    private static final Logger LOG = LoggerFactory.getLogger(TargetTable.class);
    private static final String DIRECT_COPY_SQL = "WITH key AS (SELECT ?::text[] AS columns)"
            + " SELECT c.relkind IN ('r', 'p') AND NOT c.relrowsecurity AND NOT c.relhasrules"
            + " AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0"
            + "   AND NOT a.attisdropped AND a.attidentity = 'a')"
            + " AND EXISTS (SELECT 1 FROM pg_index i, key WHERE i.indrelid = c.oid AND i.indisunique AND i.indimmediate"
            + "   AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL"
            + "   AND i.indnkeyatts = cardinality(key.columns)"
            + "   AND (SELECT array_agg(a.attname::text) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)"
            + "        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum WHERE k.n <= i.indnkeyatts)"
            + "       @> key.columns)"
            + " FROM pg_class c WHERE c.oid = to_regclass(?)";

    /** PostgreSQL keeps the first 63 bytes of an identifier. */
    private static final int MAX_IDENTIFIER_BYTES = 63;

    private final DataSource dataSource;
    private final TableRef tableRef;
    private final WriteMode mode; // as the SQL sees it: update mode that inserts missing rows is an upsert
    private final MissingRowPolicy missingRows;
    private final UnknownFieldPolicy unknownFields;
    private final WriteMethod method;
    private final boolean directCopy;
    private final Route route; // null: plain JSON objects, each field to its column
    private final SchemaWatch watch = new SchemaWatch(Clock.systemUTC());
    // Which generation decoded a batch, so that it is written by a session of the same one (weak: batches are
    // dropped once written; identity: a DecodedBatch is a value of its own).
    private final Map<DecodedBatch, Integer> decodedBy = Collections.synchronizedMap(new WeakHashMap<>());
    private volatile Generation current;
    // Set by forRoute before the table is shared: whether fields of a known type without a column become columns.
    private boolean addColumns;
    // Fields of a known type with no column, seen by decoder threads, added as columns by the next writer.
    private final Map<String, Change.Field> newFields = new ConcurrentHashMap<>();
    // Columns tried once and not added for good (a name PostgreSQL would cut, a refused type): not tried again.
    private final Set<String> notAdded = ConcurrentHashMap.newKeySet();

    /** One reading of the catalog, and what is built from it. */
    private record Generation(
            int number, TableSchema schema, List<Column> keyColumns, RowDecoder decoder, SqlTemplates templates) {}

    private TargetTable(
            DataSource dataSource,
            TableSchema schema,
            WriteMode mode,
            MissingRowPolicy missingRows,
            List<Column> keyColumns,
            UnknownFieldPolicy unknownFields,
            WriteMethod method,
            boolean directCopy,
            Route route) {
        this.dataSource = dataSource;
        this.route = route;
        this.tableRef = schema.table();
        this.mode = sqlMode(mode, missingRows);
        this.missingRows = missingRows;
        this.unknownFields = unknownFields;
        this.method = method;
        this.directCopy = directCopy;
        this.current = generation(1, schema, keyColumns);
    }

    private Generation generation(int number, TableSchema schema, List<Column> keyColumns) {
        boolean reject = unknownFields == UnknownFieldPolicy.REJECT;
        RowDecoder decoder = route == null
                ? new RowDecoder(
                        schema,
                        mode == WriteMode.UPSERT || mode == WriteMode.UPDATE ? keyColumns : List.of(),
                        reject,
                        watch::unknownField)
                : new RowDecoder(schema, route, keyColumns, reject, watch::unknownField);
        return new Generation(
                number, schema, keyColumns, decoder, new SqlTemplates(schema, mode, keyColumns, directCopy));
    }

    /**
     * Insert mode keyed by the Kafka coordinates: a row whose coordinates exist already is the same record written
     * again (replayed after a crash with delivery.guarantee=at-least-once), so it is skipped (ON CONFLICT DO
     * NOTHING) instead of failing with 23505 and being dead-lettered. Only where a unique index on exactly those
     * columns exists, which ON CONFLICT needs; without one nothing can conflict and a plain insert stays.
     */
    private static boolean coordinatesInsert(DataSource dataSource, TableRef ref, Route route, List<String> keys)
            throws SQLException {
        if (route.mode() != WriteMode.INSERT || route.keySource() != KeySource.COORDINATES || keys.isEmpty()) {
            return false;
        }
        try (Connection connection = dataSource.getConnection()) {
            return KeyCoverage.covered(connection, ref, keys, true);
        }
    }

    private static WriteMode sqlMode(WriteMode mode, MissingRowPolicy missingRows) {
        return mode == WriteMode.UPDATE && missingRows == MissingRowPolicy.INSERT ? WriteMode.UPSERT : mode;
    }

    /** {@link #open(DataSource, TableRef, WriteMode, List, UnknownFieldPolicy, WriteMethod, MissingRowPolicy)}, skipping missing rows in update mode. */
    public static TargetTable open(
            DataSource dataSource,
            TableRef table,
            WriteMode mode,
            List<String> keyNames,
            UnknownFieldPolicy unknownFields,
            WriteMethod method)
            throws SQLException {
        return open(dataSource, table, mode, keyNames, unknownFields, method, MissingRowPolicy.SKIP, null);
    }

    /** {@link #open(DataSource, TableRef, WriteMode, List, UnknownFieldPolicy, WriteMethod, MissingRowPolicy, Route)} for plain JSON objects. */
    public static TargetTable open(
            DataSource dataSource,
            TableRef table,
            WriteMode mode,
            List<String> keyNames,
            UnknownFieldPolicy unknownFields,
            WriteMethod method,
            MissingRowPolicy missingRows)
            throws SQLException {
        return open(dataSource, table, mode, keyNames, unknownFields, method, missingRows, null);
    }

    /**
     * Reads the table's schema and resolves the key columns: the configured ones, or the primary key when none
     * are configured. Upsert and update modes need a key; deletes match on it in every mode.
     *
     * @param method how sessions send rows: COPY or a JDBC batch
     * @param missingRows in update mode, what becomes of a record whose row does not exist ({@link
     *     MissingRowPolicy#INSERT} makes the writes upserts)
     * @param route the route whose format, mapping and key source decode the records, or {@code null} for plain
     *     JSON objects whose fields are the columns
     * @throws SchemaException when the table or a key column does not exist, or upsert or update mode has no key
     */
    public static TargetTable open(
            DataSource dataSource,
            TableRef table,
            WriteMode mode,
            List<String> keyNames,
            UnknownFieldPolicy unknownFields,
            WriteMethod method,
            MissingRowPolicy missingRows,
            Route route)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            TableSchema schema = Catalog.load(connection, table);
            List<String> names = keyNames.isEmpty() ? schema.primaryKey() : keyNames;
            List<Column> keys = keyColumns(schema, names);
            WriteMode sqlMode = sqlMode(mode, missingRows);
            String modeName = mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Column key : keys) {
                if (sqlMode == WriteMode.UPSERT && key.identityAlways()) {
                    throw new SchemaException("key column \"" + key.name() + "\" of table " + table + " is GENERATED"
                            + " ALWAYS AS IDENTITY, so records cannot carry it and write.mode=" + modeName
                            + " has no key to match: make it GENERATED BY DEFAULT, or set key.columns to another"
                            + " unique key");
                }
            }
            if ((mode == WriteMode.UPSERT || mode == WriteMode.UPDATE) && keys.isEmpty()) {
                throw new SchemaException("write.mode=" + modeName + " needs a key, but table " + table + " has no"
                        + " primary key and key.columns is empty: set key.columns to the columns of a unique"
                        + " constraint");
            }
            boolean conflicts =
                    sqlMode == WriteMode.UPSERT || (sqlMode == WriteMode.INSERT_IF_ABSENT && !keys.isEmpty());
            boolean directCopy =
                    conflicts && method == WriteMethod.COPY && directCopyIsAnUpsert(connection, table, names);
            if (conflicts && method == WriteMethod.COPY && !directCopy) {
                LOG.info(
                        "{} writes into {} go through a staging table: a plain COPY would not do the same there (no"
                                + " immediate, non-partial unique index on exactly {}, or row security, rules or an identity"
                                + " column)",
                        modeName,
                        table,
                        names);
            }
            if (route != null) {
                List<String> problems = MappingCheck.problems(route, schema);
                if (!problems.isEmpty()) {
                    throw new SchemaException("route " + route.name() + " cannot write table " + table + ": "
                            + String.join("; ", problems));
                }
            }
            return new TargetTable(
                    dataSource, schema, mode, missingRows, keys, unknownFields, method, directCopy, route);
        }
    }

    /**
     * Opens the writer of one route's table: the single place where a route's settings meet the table. The key is
     * checked against the table's unique indexes when the mode or deletes rely on it.
     *
     * @throws SchemaException when the table does not fit the route (missing, no usable key, a setting this build
     *     cannot write)
     * @throws SQLException when the catalog cannot be read
     */
    public static TargetTable forRoute(ConnectionPool pool, SinkConfig config, Route route, String table)
            throws SQLException {
        return forRoute(pool, config, route, table, null);
    }

    /**
     * {@link #forRoute(ConnectionPool, SinkConfig, Route, String)}, creating the table first when it is missing and
     * the route has {@code auto.create}: from {@code declared.columns}, or from the schema of {@code first}.
     *
     * @param first the first record of a topic of the table, or null (at start)
     * @throws SchemaException as above, and when the table cannot be created (no privilege, no schema to create
     *     it from)
     */
    public static TargetTable forRoute(
            ConnectionPool pool, SinkConfig config, Route route, String table, SinkRecord first) throws SQLException {
        DataSource dataSource = pool.dataSource();
        TableRef ref = TableRef.parse(table);
        if (route.autoCreate() && !SchemaEvolution.exists(dataSource, ref)) {
            create(dataSource, route, ref, first);
        }
        List<String> keys =
                route.keySource() == KeySource.COORDINATES && route.keyColumns().isEmpty()
                        ? KeyColumns.coordinates(route.mapping())
                        : route.keyColumns();
        TargetTable opened = open(
                dataSource,
                ref,
                coordinatesInsert(dataSource, ref, route, keys) ? WriteMode.INSERT_IF_ABSENT : route.mode(),
                keys,
                config.unknownFields(),
                config.writeMethod(),
                route.missingRows(),
                route);
        boolean needsKey = route.mode() == WriteMode.UPSERT || route.mode() == WriteMode.UPDATE || route.deletes();
        if (needsKey && !keys.isEmpty()) {
            try (Connection connection = dataSource.getConnection()) {
                boolean exact = route.mode() == WriteMode.UPSERT;
                if (!KeyCoverage.covered(connection, ref, keys, exact)) {
                    throw new SchemaException("key columns " + keys + " of table " + ref + " are not "
                            + (exact ? "exactly the columns of" : "covered by") + " a unique index or the primary"
                            + " key, which " + (exact ? "upsert" : "update and delete") + " by key needs: add one, or"
                            + " set key.columns to the columns of one");
                }
            }
        }
        opened.addColumns = route.autoAddColumns();
        return opened;
    }

    /**
     * Whether the route's table is missing and will be created from the schema of its first record, so it cannot be
     * opened before one arrives.
     */
    public static boolean createdOnFirstRecord(ConnectionPool pool, Route route, String table) throws SQLException {
        return route.autoCreate()
                && route.declaredColumns().isEmpty()
                && route.format() != InputFormat.JSON
                && !SchemaEvolution.exists(pool.dataSource(), TableRef.parse(table));
    }

    /** Creates the missing table from the route's declared columns or the first record's schema. */
    private static void create(DataSource dataSource, Route route, TableRef table, SinkRecord first)
            throws SQLException {
        if (!route.declaredColumns().isEmpty()) {
            List<ColumnDefinition> columns = route.declaredColumns().stream()
                    .map(ColumnDefinition::parse)
                    .toList();
            SchemaEvolution.createTable(dataSource, table, columns, route.keyColumns());
            return;
        }
        if (first == null || route.format() == InputFormat.JSON) {
            throw new SchemaException("table " + table + " does not exist and auto.create has nothing to create it"
                    + " from: set declared.columns, or create the table");
        }
        Change change;
        try {
            change = RecordFormat.of(route.format()).read(first);
        } catch (DecodeException e) {
            throw new SchemaException("table " + table + " does not exist and the first record ("
                    + first.topic() + "-" + first.partition() + "@" + first.offset()
                    + "), whose schema would create it, cannot be read: " + e.getMessage());
        }
        if (change == null || change.fields().isEmpty()) {
            throw new SchemaException("table " + table + " does not exist and the first record ("
                    + first.topic() + "-" + first.partition() + "@" + first.offset() + ") carries no schema to"
                    + " create it from: enable schemas in the producer's converter, or create the table");
        }
        List<ColumnDefinition> columns =
                change.fields().stream().map(ColumnDefinition::of).toList();
        List<String> names = columns.stream().map(ColumnDefinition::name).toList();
        List<String> key = route.keyColumns().isEmpty() ? KeyFields.of(change) : route.keyColumns();
        SchemaEvolution.createTable(dataSource, table, columns, names.containsAll(key) ? key : List.of());
    }

    private static List<Column> keyColumns(TableSchema schema, List<String> names) {
        List<Column> keys = new ArrayList<>();
        for (String name : names) {
            keys.add(schema.column(name)
                    .orElseThrow(() -> new SchemaException("key column \"" + name + "\" does not exist in table "
                            + schema.table() + ": fix key.columns or add the column")));
        }
        return keys;
    }

    /**
     * Whether a plain COPY of rows with new keys is exactly what the upsert would do, so that {@link
     * CopyLoader} may try it first: the conflict key must have a unique index that is immediate (a deferred
     * one reports the duplicate only at COMMIT), non-partial and on exactly the key (so an existing key fails the
     * COPY with 23505), and nothing may make COPY differ from INSERT: an ordinary or partitioned table, no
     * row-level security (COPY FROM refuses it), no rules (COPY ignores them), no GENERATED ALWAYS identity
     * column (COPY overrides it where INSERT refuses).
     */
    private static boolean directCopyIsAnUpsert(Connection connection, TableRef table, List<String> keys)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(DIRECT_COPY_SQL)) {
            ps.setArray(1, connection.createArrayOf("text", keys.toArray()));
            ps.setString(2, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Opens the writer for a worker's settings.
     *
     * @throws SchemaException when the table does not fit the settings
     * @throws IllegalStateException when the table cannot be read (database unreachable, say)
     */
    public static TargetTable forConfig(DataSource dataSource, SinkConfig config) {
        try {
            return open(
                    dataSource,
                    TableRef.parse(config.table()),
                    config.writeMode(),
                    config.keyColumns(),
                    config.unknownFields(),
                    config.writeMethod());
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot read table " + config.table() + " from " + config.redactedPostgresUrl() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** Decodes a batch against this table's columns (see {@link DecodedBatch} for repeated keys). */
    public DecodedBatch decode(List<SinkRecord> records) {
        Generation g = current;
        DecodedBatch decoded =
                g.decoder().decode(records, change -> noteNewFields(g, change)).withKey(g.keyColumns(), mode);
        decodedBy.put(decoded, g.number());
        return decoded;
    }

    /**
     * Rows decoded elsewhere (by the current generation's column order), as a batch of this table: ordered by its
     * key for its write mode (see {@link DecodedBatch}) and written by sessions of the current generation.
     */
    public DecodedBatch batchOf(List<Row> rows, Map<Integer, DecodeException> failures) {
        Generation g = current;
        DecodedBatch batch = new DecodedBatch(rows, failures, g.keyColumns(), mode);
        decodedBy.put(batch, g.number());
        return batch;
    }

    /** Fields of a known type without a column, noted for {@link #addNewColumns} where the route adds columns. */
    private void noteNewFields(Generation g, Change change) {
        if (addColumns) {
            for (Change.Field field : change.fields()) {
                if (g.schema().column(field.name()).isEmpty() && !notAdded.contains(field.name())) {
                    newFields.putIfAbsent(field.name(), field);
                    watch.unknownField(field.name());
                }
            }
        }
    }

    /**
     * The batch as the table's current columns decode it: reads the catalog first when decoding showed signs that
     * the table changed (see {@link SchemaWatch}), and decodes the records again when {@code prepared} was decoded
     * by an older generation. A failed catalog read is logged and tried again with the next batch.
     */
    public DecodedBatch current(List<SinkRecord> records, DecodedBatch prepared) {
        if (!newFields.isEmpty()) {
            addNewColumns();
        }
        prepared.failures().values().stream()
                .filter(e -> e.column() != null)
                .forEach(e -> watch.failedColumn(e.column()));
        if (watch.due()) {
            try {
                refresh();
            } catch (SQLException e) {
                watch.refreshFailed();
                LOG.warn(
                        "cannot read the schema of table {} again (SQLSTATE {}): {}",
                        tableRef,
                        e.getSQLState(),
                        FailureDescription.of(e).message());
            }
        }
        return generationOf(prepared) == current.number() ? prepared : decode(records);
    }

    /**
     * Adds a nullable column for each noted field that has none ({@code auto.add.columns}); the catalog is read
     * again right after, since the fields were reported to the watch. A failure to reach the database is tried
     * again with the next batch.
     *
     * @throws SchemaException when the worker may not alter the table
     */
    private synchronized void addNewColumns() {
        TableSchema schema = current.schema();
        boolean altered = false;
        for (Change.Field field : List.copyOf(newFields.values())) {
            if (schema.column(field.name()).isEmpty() && !notAdded.contains(field.name())) {
                ColumnDefinition column = addable(field);
                if (column == null) {
                    notAdded.add(field.name());
                } else if (!addColumn(column)) {
                    break;
                } else {
                    altered = true;
                }
            }
            newFields.remove(field.name());
        }
        if (altered) {
            // At once, not by the watch: another writer may have spent the watch's sign on a reading taken before
            // the ALTER, and batches must not go on being written without the new columns until the next recheck.
            try {
                refresh();
            } catch (SQLException e) {
                watch.refreshFailed();
            }
        }
    }

    /** Runs the ALTER; false (logged) when the database could not be reached, to be tried with the next batch. */
    private boolean addColumn(ColumnDefinition column) {
        try {
            SchemaEvolution.addColumn(dataSource, tableRef, column);
            return true;
        } catch (SQLException e) {
            LOG.warn(
                    "cannot add column {} to table {} (SQLSTATE {}): {}; tried again with the next batch",
                    column.name(),
                    tableRef,
                    e.getSQLState(),
                    FailureDescription.of(e).message());
            return false;
        }
    }

    /** The field's column, or null (logged) when it cannot be one: a name PostgreSQL would cut, an odd type. */
    private ColumnDefinition addable(Change.Field field) {
        if (field.name().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
            LOG.warn(
                    "field {} of table {} gets no column: its name is over {} bytes, which PostgreSQL cuts",
                    field.name(),
                    tableRef,
                    MAX_IDENTIFIER_BYTES);
            return null;
        }
        try {
            return ColumnDefinition.of(field);
        } catch (SchemaException e) {
            LOG.warn("field {} of table {} gets no column: {}", field.name(), tableRef, e.getMessage());
            return null;
        }
    }

    /**
     * The statements of the generation that decoded {@code batch} (the current one for a part of a batch).
     *
     * @throws IllegalStateException when an older generation decoded it (the table changed since): decode again
     */
    SqlTemplates templatesOf(DecodedBatch batch) {
        Generation g = current;
        int by = generationOf(batch);
        if (by != 0 && by != g.number()) { // 0: a part of a batch (a slice), which the caller checked
            throw new IllegalStateException(
                    "batch of table " + tableRef + " was decoded by an older schema (generation " + generationOf(batch)
                            + ", now " + g.number() + "): decode it again");
        }
        return g.templates();
    }

    /**
     * One row from a JSON object of column values, by the same rules as a record's value; {@link
     * Operation#DELETE} keeps only what the key needs. Put rows in a batch with {@link #batchOf}.
     */
    public Row row(int index, byte[] json, Operation operation) throws DecodeException {
        Row row = current.decoder().decode(index, json);
        return operation == Operation.WRITE ? row : new Row(index, row.present(), row.values(), operation);
    }

    /** The table's columns, by the current schema. */
    public TableSchema schema() {
        return current.schema();
    }

    /** Which generation decoded the batch; 0 if this table did not. */
    public int generationOf(DecodedBatch batch) {
        return decodedBy.getOrDefault(batch, 0);
    }

    /** The current generation: 1 at start, one more for each reading of the catalog that found a change. */
    public int generation() {
        return current.number();
    }

    /**
     * Reads the catalog again and, when the table changed, makes the new schema current (logged at INFO). Batches
     * decoded by the old one must be decoded again ({@link #current}), sessions opened again.
     *
     * @return whether the schema changed
     */
    public synchronized boolean refresh() throws SQLException {
        watch.refreshing();
        Generation old = current;
        TableSchema schema;
        try (Connection connection = dataSource.getConnection()) {
            schema = Catalog.load(connection, tableRef);
        } catch (SchemaException e) {
            LOG.debug("table {} cannot be read again: {}", tableRef, e.getMessage());
            return false; // the write fails as it would have, and says why
        }
        String changes = SchemaChanges.describe(old.schema(), schema);
        if (changes.isEmpty()) {
            return false;
        }
        List<Column> keys;
        try {
            keys = keyColumns(
                    schema, old.keyColumns().stream().map(Column::name).toList());
        } catch (SchemaException e) {
            LOG.warn("schema of table {} changed ({}), but {}", tableRef, changes, e.getMessage());
            return false;
        }
        current = generation(old.number() + 1, schema, keys);
        LOG.info("schema of table {} changed: {}", tableRef, changes);
        return true;
    }

    /** Whether upserts try a plain COPY for new keys first (see {@link #directCopyIsAnUpsert}). */
    boolean triesDirectCopy() {
        return current.templates().triesDirectCopy();
    }

    /** Opens a session, by the current generation, on a pooled connection; close it to return the connection. */
    public Session openSession() throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            return new Session(connection, current.templates(), method);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * What became of a transaction whose COMMIT went unanswered: true if committed, false if rolled back, empty
     * while the server does not know (still in progress, or too old to tell). After a server restart it is told
     * from the checkpoint the server wrote when it started (see {@link CommitLookup}); where that cannot tell, false,
     * and the caller writes the batch again (at least once).
     */
    public Optional<Boolean> committed(TransactionRef transaction) throws SQLException {
        return committed(dataSource, transaction);
    }

    /** {@link #committed(TransactionRef)} on any connection of {@code dataSource}. */
    public static Optional<Boolean> committed(DataSource dataSource, TransactionRef transaction) throws SQLException {
        return CommitLookup.committed(dataSource, transaction);
    }

    /** What becomes of a record whose row does not exist, in update mode. */
    public MissingRowPolicy missingRows() {
        return missingRows;
    }

    /** The table's name as configured, for messages. */
    public String name() {
        return tableRef.toString();
    }

    /** The names of the key columns in use: the configured ones, or the primary key's. */
    public List<String> keyColumnNames() {
        return current.keyColumns().stream().map(Column::name).toList();
    }

    /** The key columns in use, for messages. */
    public String keyDescription() {
        return current.keyColumns().stream().map(Column::name).collect(Collectors.joining(", ", "(", ")"));
    }

    /**
     * Takes a closed session's connection out of the pool for good, e.g. after it reached a read-only server.
     * Call it after {@link Session#close()}.
     */
    public void evict(Session session) {
        if (dataSource instanceof HikariDataSource) {
            ((HikariDataSource) dataSource).evictConnection(session.connection());
        }
    }
}
