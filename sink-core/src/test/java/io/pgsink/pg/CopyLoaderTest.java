package io.pgsink.pg;

import static io.pgsink.testing.TestRecords.columns;
import static io.pgsink.testing.TestRecords.records;
import static io.pgsink.testing.TestRecords.writeAndCommit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import io.pgsink.config.UnknownFieldPolicy;
import io.pgsink.config.WriteMethod;
import io.pgsink.config.WriteMode;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.decode.Row;
import io.pgsink.error.FailureClassifier;
import io.pgsink.error.FailureKind;
import io.pgsink.model.TableRef;
import io.pgsink.testing.TestPool;
import io.pgsink.testing.TestRecords;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/** What is particular to the COPY path: text-format encoding, streaming, staging tables, failing cleanly. */
class CopyLoaderTest {

    private static TargetTable open(DataSource pool, TableRef table, WriteMode mode) throws SQLException {
        return TargetTable.open(pool, table, mode, List.of(), UnknownFieldPolicy.IGNORE, WriteMethod.COPY);
    }

    @Test
    void encodesTextFormatEscapingBackslashTabNewlineAndCarriageReturnWithNullAsBackslashN() throws SQLException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        CopyEncoder encoder = new CopyEncoder(sent::write);
        String[] values = {"a\\b\tc\nd\re", null, "\\N", "not set", "\u00fc \uD83D\uDE00 \"q\" \\."};

        encoder.write(new Row(0, columns(0, 1, 2, 3, 4), values), columns(0, 1, 2, 4));
        encoder.flush();

        assertThat(sent.toString(StandardCharsets.UTF_8))
                .isEqualTo("a\\\\b\\tc\\nd\\re\t\\N\t\\\\N\t\u00fc \uD83D\uDE00 \"q\" \\\\.\n");
    }

    @Test
    void encodesLikeStringGetBytesIncludingALoneSurrogate() throws SQLException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        CopyEncoder encoder = new CopyEncoder(sent::write, 4);
        String value = "x\uD800y\uDE00\u0080\u07ff\u0800\uffff\uD83D\uDE00z";

        encoder.write(new Row(0, columns(0), new String[] {value}), columns(0));
        encoder.flush();

        assertThat(sent.toByteArray()).isEqualTo((value + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void streamsThroughAFixedBufferWithoutSplittingACharacter() throws SQLException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        List<String> chunks = new ArrayList<>();
        CopyEncoder encoder = new CopyEncoder(
                (bytes, offset, length) -> {
                    assertThat(length).isBetween(1, 16);
                    // Each chunk decodes on its own: no character is cut in two.
                    String chunk = new String(bytes, offset, length, StandardCharsets.UTF_8);
                    assertThat(chunk.getBytes(StandardCharsets.UTF_8)).hasSize(length);
                    chunks.add(chunk);
                    sent.write(bytes, offset, length);
                },
                16);
        String big = "\u00e9".repeat(20);
        List<String> values = List.of("abc", "d\te", big, "f", "\u20ac\u20ac\u20ac", "g");

        for (int i = 0; i < values.size(); i++) {
            encoder.write(new Row(i, columns(0), new String[] {values.get(i)}), columns(0));
        }
        encoder.flush();

        assertThat(sent.toString(StandardCharsets.UTF_8))
                .isEqualTo("abc\nd\\te\n" + big + "\nf\n\u20ac\u20ac\u20ac\ng\n");
        assertThat(chunks.size()).isGreaterThan(4);
    }

    @Test
    void largeBatchesRoundTripAcrossManyBufferFlushes() throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, txt text");
        Map<Long, String> expected = new HashMap<>();
        List<ObjectNode> values = new ArrayList<>();
        for (long id = 0; id < 20_000; id++) {
            String text = id == 777 ? "\u00e9\t\\".repeat(100_000) : "row " + id + " \u00fc\n\\N\t\uD83D\uDE00";
            expected.put(id, text);
            values.add(TestRecords.object().put("id", id).put("txt", text));
        }

        writeAndCommit(open(TestPool.pool(), table, WriteMode.INSERT), TestRecords.records(values));

        assertThat(TestPool.rows(table, "id", "txt")).isEqualTo(expected);
    }

    @ParameterizedTest
    // update mode writes no row into an empty table: these modes insert (update has its own tests)
    @EnumSource(value = WriteMode.class, mode = EnumSource.Mode.EXCLUDE, names = "UPDATE")
    void aBadRowFarIntoALargeCopyFailsItWholeAndLeavesTheConnectionIdle(WriteMode mode) throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, code varchar(5), txt text");
        TargetTable writer = open(TestPool.pool(), table, mode);
        List<String> json = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            json.add("{\"id\": " + i + ", \"code\": \"" + (i == 90_000 ? "too long" : "ok") + "\", \"txt\": \"x\"}");
        }

        try (Session session = writer.openSession()) {
            DecodedBatch batch = writer.decode(records(json.toArray(String[]::new)));
            assertThatThrownBy(() -> session.write(batch))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22001"));
            assertThat(session.connection().unwrap(BaseConnection.class).getTransactionState())
                    .isEqualTo(TransactionState.IDLE);
            assertThat(TestPool.count(table)).isZero();

            try (Transaction results = session.write(batch.slice(0, 90_000))) {
                results.commit();
            }
        }
        assertThat(TestPool.count(table)).isEqualTo(90_000);
    }

    /** Without the cancel, the ROLLBACK would wait forever for the unfinished COPY to release the connection. */
    @ParameterizedTest
    // update mode writes no row into an empty table: these modes insert (update has its own tests)
    @EnumSource(value = WriteMode.class, mode = EnumSource.Mode.EXCLUDE, names = "UPDATE")
    @Timeout(60)
    void aClientSideFailureWhileStreamingCancelsTheCopyAndRollsBack(WriteMode mode) throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, name text");
        TargetTable writer = open(TestPool.pool(), table, mode);
        Row good = new Row(0, columns(0, 1), new String[] {"1", "a"});
        Row broken = new Row(1, columns(0, 1), new String[] {"2"});

        try (Session session = writer.openSession()) {
            assertThatThrownBy(() -> session.write(new DecodedBatch(List.of(good, broken), Map.of(), List.of())))
                    .isInstanceOf(ArrayIndexOutOfBoundsException.class);

            try (Transaction results = session.write(new DecodedBatch(List.of(good), Map.of(), List.of()))) {
                results.commit();
            }
        }
        assertThat(TestPool.rows(table, "id", "name")).containsExactlyEntriesOf(Map.of(1L, "a"));
    }

    @ParameterizedTest
    // update mode writes no row into an empty table: these modes insert (update has its own tests)
    @EnumSource(value = WriteMode.class, mode = EnumSource.Mode.EXCLUDE, names = "UPDATE")
    @Timeout(60)
    void aConnectionLostMidCopyFailsAsTransientWithoutHanging(WriteMode mode) throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, name text");
        String function = table.name() + "_die";
        TestPool.execute(
                TestPool.pool(),
                "CREATE FUNCTION " + function + "() RETURNS trigger"
                        + " LANGUAGE plpgsql AS $$ BEGIN IF NEW.id = 5000 THEN PERFORM pg_terminate_backend(pg_backend_pid());"
                        + " PERFORM pg_sleep(1); END IF; RETURN NEW; END $$");
        TestPool.execute(
                TestPool.pool(),
                "CREATE TRIGGER die BEFORE INSERT ON " + table.quoted() + " FOR EACH ROW EXECUTE FUNCTION " + function
                        + "()");
        List<String> json = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            json.add("{\"id\": " + i + ", \"name\": \"" + "x".repeat(50) + "\"}");
        }

        try (HikariDataSource oneConnection = TestPool.newPool(1)) {
            TargetTable writer = open(oneConnection, table, mode);
            Session session = writer.openSession();
            DecodedBatch batch = writer.decode(records(json.toArray(String[]::new)));
            assertThatThrownBy(() -> session.write(batch))
                    .isInstanceOfSatisfying(
                            SQLException.class,
                            e -> assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.TRANSIENT));
            session.close();
        }
        assertThat(TestPool.count(table)).isZero();
    }

    @Test
    void upsertStagesEachColumnSetInOneTemporaryTablePerConnectionThatCommitEmpties() throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, name text, note text");
        try (HikariDataSource oneConnection = TestPool.newPool(1)) {
            TargetTable writer = open(oneConnection, table, WriteMode.UPSERT);
            String[] batch = {
                "{\"id\": 1, \"name\": \"a\"}", "{\"id\": 2, \"note\": \"b\"}", "{\"id\": 3, \"name\": \"c\"}"
            };

            Map<String, Long> first = stagingTables(writer, batch);
            Map<String, Long> second = stagingTables(writer, batch);

            assertThat(first)
                    .hasSize(2)
                    .allSatisfy((name, rows) -> assertThat(rows).isZero());
            assertThat(second).isEqualTo(first);
        }
        assertThat(TestPool.rows(table, "id", "coalesce(name, note)"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(1L, "a", 2L, "b", 3L, "c"));
    }

    /** Writes the batch on a new session and returns its connection's staging tables with their row counts. */
    private static Map<String, Long> stagingTables(TargetTable writer, String... json) throws SQLException {
        Map<String, Long> tables = new HashMap<>();
        try (Session session = writer.openSession()) {
            try (Transaction results = session.write(writer.decode(records(json)))) {
                results.commit();
            }
            Connection connection = session.connection();
            try (Statement s = connection.createStatement();
                    ResultSet rs = s.executeQuery("SELECT relname FROM"
                            + " pg_class WHERE relnamespace = pg_my_temp_schema() AND relname LIKE 'pgsink_stage_%'")) {
                while (rs.next()) {
                    tables.put(rs.getString(1), null);
                }
            }
            for (String name : List.copyOf(tables.keySet())) {
                try (Statement s = connection.createStatement();
                        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_temp." + TableRef.quote(name))) {
                    rs.next();
                    tables.put(name, rs.getLong(1));
                }
            }
            connection.rollback();
        }
        return tables;
    }

    @Test
    void upsertRunsNoDefaultOfTheTableForStagedRows() throws SQLException {
        TableRef table = TestPool.createTable("seq bigserial, id bigint PRIMARY KEY, name text");

        writeAndCommit(
                open(TestPool.pool(), table, WriteMode.UPSERT),
                records("{\"id\": 10, \"name\": \"a\"}", "{\"id\": 11}", "{\"id\": 12, \"name\": \"c\"}"));

        assertThat(TestPool.rows(table, "id", "seq::text").values())
                .as("one sequence value per row")
                .containsExactlyInAnyOrder("1", "2", "3");
    }

    @Test
    void aFailedFirstBatchDoesNotTakeItsStagingTableWithIt() throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, name text NOT NULL");
        TargetTable writer = open(TestPool.pool(), table, WriteMode.UPSERT);

        try (Session session = writer.openSession()) {
            DecodedBatch bad = writer.decode(records("{\"id\": 1, \"name\": \"a\"}", "{\"id\": 2, \"name\": null}"));
            assertThatThrownBy(() -> session.write(bad))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23502"));

            try (Transaction results = session.write(bad.slice(0, 1))) {
                results.commit();
            }
        }
        assertThat(TestPool.rows(table, "id", "name")).containsExactlyEntriesOf(Map.of(1L, "a"));
    }

    /** Writes and commits one batch on {@code session}; returns the batch's transaction id (32 bits, as xmin). */
    private static long writeOn(Session session, TargetTable writer, String... json) throws SQLException {
        try (Transaction results = session.write(writer.decode(records(json)))) {
            results.forEachRemaining(outcome -> {});
            results.commit();
            return results.ref().id() & 0xFFFFFFFFL;
        }
    }

    private static String names(int from, int to, String prefix) {
        StringBuilder json = new StringBuilder();
        for (int id = from; id <= to; id++) {
            json.append(id == from ? "" : "\n")
                    .append("{\"id\": ")
                    .append(id)
                    .append(", \"name\": \"")
                    .append(prefix)
                    .append(id)
                    .append("\"}");
        }
        return json.toString();
    }

    /** Rows of {@code ids} written by the top-level transaction {@code xid} itself, not by a subtransaction. */
    private static long writtenAtTopLevel(TableRef table, long xid, int from, int to) throws SQLException {
        try (Connection c = TestPool.pool().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table.quoted() + " WHERE id BETWEEN " + from
                        + " AND " + to + " AND xmin::text::bigint = " + xid)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void upsertCopiesNewKeysStraightIntoTheTableAndFallsBackToTheMergeWhenAKeyExists() throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, name text");
        TargetTable writer = open(TestPool.pool(), table, WriteMode.UPSERT);
        try (Session session = writer.openSession()) {
            long first = writeOn(session, writer, names(1, 100, "a").split("\n"));
            // New keys: a COPY into the table under a savepoint, so the rows carry the subtransaction's id.
            assertThat(writtenAtTopLevel(table, first, 1, 100)).isZero();

            long second = writeOn(session, writer, names(50, 150, "b").split("\n"));
            // Keys 50-100 exist: the COPY is undone and the merge writes every row in the batch's transaction.
            assertThat(writtenAtTopLevel(table, second, 50, 150)).isEqualTo(101);

            long third = writeOn(session, writer, names(200, 210, "c").split("\n"));
            // Right after a conflict the writer does not try again at once.
            assertThat(writtenAtTopLevel(table, third, 200, 210)).isEqualTo(11);
        }

        Map<Long, String> expected = new HashMap<>();
        for (long id = 1; id <= 210; id++) {
            if (id < 50) {
                expected.put(id, "a" + id);
            } else if (id <= 150) {
                expected.put(id, "b" + id);
            } else if (id >= 200) {
                expected.put(id, "c" + id);
            }
        }
        assertThat(TestPool.rows(table, "id", "name")).isEqualTo(expected);
    }

    @Test
    void aBadValueOrAnotherUniqueConstraintFailsTheUpsertAsBeforeAndLeavesTheSessionUsable() throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, code varchar(5), email text UNIQUE");
        TargetTable writer = open(TestPool.pool(), table, WriteMode.UPSERT);
        try (Session session = writer.openSession()) {
            writeOn(session, writer, "{\"id\": 1, \"code\": \"a\", \"email\": \"x@example.com\"}");

            assertThatThrownBy(() -> writeOn(session, writer, "{\"id\": 2, \"code\": \"toolong\"}"))
                    .isInstanceOfSatisfying(
                            SQLException.class,
                            e -> assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.POISON))
                    .hasFieldOrPropertyWithValue("SQLState", "22001");
            // A new id with a taken email: the direct COPY meets 23505, the merge meets it again on email.
            assertThatThrownBy(() ->
                            writeOn(session, writer, "{\"id\": 3, \"code\": \"b\", \"email\": \"x@example.com\"}"))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getMessage()).contains("email"))
                    .hasFieldOrPropertyWithValue("SQLState", "23505");

            writeOn(session, writer, "{\"id\": 1, \"code\": \"z\"}", "{\"id\": 4, \"code\": \"d\"}");
        }
        assertThat(TestPool.rows(table, "id", "code")).isEqualTo(Map.of(1L, "z", 4L, "d"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "id bigint PRIMARY KEY, name text                                   | id      | | true",
                "id bigint, name text, UNIQUE (name, id)                            | id,name | | true",
                "id bigint, name text, UNIQUE (id) INCLUDE (name)                   | id      | | true",
                "id bigint, name text                                               | id      | | false",
                "id bigint, name text, UNIQUE (id, name)                            | id      | | false",
                "id bigint PRIMARY KEY DEFERRABLE INITIALLY DEFERRED, name text     | id      | | false",
                "id bigint, name text                                               | id      | CREATE UNIQUE INDEX ON {t} (id) WHERE id > 0 | false",
                "id bigint, name text                                               | id      | CREATE UNIQUE INDEX ON {t} ((id + 0)) | false",
                "seq bigint GENERATED ALWAYS AS IDENTITY, id bigint PRIMARY KEY, name text | id | | false",
                "id bigint PRIMARY KEY, name text                                   | id      | ALTER TABLE {t} ENABLE ROW LEVEL SECURITY | false",
                "id bigint PRIMARY KEY, name text                                   | id      | CREATE RULE r AS ON INSERT TO {t} DO ALSO NOTIFY pgsink_test | false"
            })
    void upsertTriesAPlainCopyOnlyWhereItIsExactlyAnUpsert(String columns, String keys, String extra, boolean direct)
            throws SQLException {
        TableRef table = TestPool.createTable(columns.trim());
        if (extra != null) {
            TestPool.execute(TestPool.pool(), extra.trim().replace("{t}", table.quoted()));
        }
        TargetTable writer = TargetTable.open(
                TestPool.pool(),
                table,
                WriteMode.UPSERT,
                List.of(keys.trim().split(",")),
                UnknownFieldPolicy.IGNORE,
                WriteMethod.COPY);

        assertThat(writer.triesDirectCopy()).isEqualTo(direct);
    }

    @Test
    void anUpsertKeyWithoutAUniqueIndexFailsAsItAlwaysDidInsteadOfDuplicatingRows() throws SQLException {
        TableRef table = TestPool.createTable("id bigint, name text");
        TargetTable writer = TargetTable.open(
                TestPool.pool(), table, WriteMode.UPSERT, List.of("id"), UnknownFieldPolicy.IGNORE, WriteMethod.COPY);

        assertThatThrownBy(() -> writeAndCommit(writer, records("{\"id\": 1, \"name\": \"a\"}")))
                .isInstanceOfSatisfying(
                        SQLException.class,
                        e -> assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.FATAL))
                .hasFieldOrPropertyWithValue("SQLState", "42P10");
        assertThat(TestPool.count(table)).isZero();
    }
}
