package io.pgsink.pg;

import static io.pgsink.testing.TestRecords.JSON;
import static io.pgsink.testing.TestRecords.object;
import static io.pgsink.testing.TestRecords.records;
import static io.pgsink.testing.TestRecords.writeAndCommit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgsink.config.UnknownFieldPolicy;
import io.pgsink.config.WriteMethod;
import io.pgsink.config.WriteMode;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.error.FailureClassifier;
import io.pgsink.error.FailureKind;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TableRef;
import io.pgsink.testing.TestPool;
import io.pgsink.testing.TestRecords;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The session contract, which both write methods must keep, against a real PostgreSQL. */
class SessionTest {

    private static TargetTable open(TableRef table, WriteMode mode, WriteMethod method) throws SQLException {
        return TargetTable.open(TestPool.pool(), table, mode, List.of(), UnknownFieldPolicy.IGNORE, method);
    }

    private static Map<Long, String> names(TableRef table) throws SQLException {
        return TestPool.rows(table, "id", "name");
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void valuesRoundTripExactly(WriteMethod method) throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, txt text, amount numeric(30,9),"
                + " at timestamptz, ref uuid, doc jsonb, tags text[], ok boolean");
        String text = "tab\there\nline\r\nback\\slash \\N \\. 'single' \"double\""
                + " \u00fcn\u00efc\u00f6d\u00e9 \u20ac \uD83D\uDE00";
        ObjectNode full = object().put("id", 1)
                .put("txt", text)
                .put("amount", new BigDecimal("12345678901234567890.123456789"))
                .put("at", "2024-05-01T12:30:00.123456+02:00")
                .put("ref", "6F1C1D5E-1A2B-4C3D-8E9F-0A1B2C3D4E5F")
                .put("ok", true);
        ObjectNode doc = full.putObject("doc");
        doc.putArray("list").add(1).add(text).addNull().addObject().put("nested", "x\ty");
        doc.putNull("none");
        full.putArray("tags")
                .add("a")
                .addNull()
                .add("b\"c\\d")
                .add("NULL")
                .add("")
                .add(text);
        ObjectNode nulls = object().put("id", 2).put("ok", false);
        List.of("txt", "amount", "at", "ref", "doc", "tags").forEach(nulls::putNull);

        writeAndCommit(open(table, WriteMode.INSERT, method), TestRecords.records(List.of(full, nulls)));

        try (Connection c = TestPool.pool().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT txt, amount::text, at, ref::text, doc::text, tags, ok,"
                        + " num_nulls(txt, amount, at, ref, doc, tags) FROM " + table.quoted() + " ORDER BY id")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(text);
            assertThat(rs.getString(2)).isEqualTo("12345678901234567890.123456789");
            assertThat(rs.getObject(3, OffsetDateTime.class).toInstant())
                    .isEqualTo(Instant.parse("2024-05-01T10:30:00.123456Z"));
            assertThat(rs.getString(4)).isEqualTo("6f1c1d5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f");
            assertThat(JSON.readTree(rs.getString(5))).isEqualTo(doc);
            assertThat((String[]) rs.getArray(6).getArray()).containsExactly("a", null, "b\"c\\d", "NULL", "", text);
            assertThat(rs.getBoolean(7)).isTrue();
            rs.next();
            assertThat(rs.getBoolean(7)).isFalse();
            assertThat(rs.getInt(8)).as("columns set to null").isEqualTo(6);
        }
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void insertModeWritesEveryRecordAndLeavesAbsentColumnsToTheirDefaults(WriteMethod method) throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, name text, note text DEFAULT 'dflt'");
        TargetTable writer = open(table, WriteMode.INSERT, method);

        List<RecordOutcome> outcomes = writeAndCommit(
                writer,
                records(
                        "{\"id\": 1, \"name\": \"a\"}",
                        "{\"id\": 2, \"name\": \"b\", \"note\": \"n\"}",
                        "{\"id\": 3, \"name\": null}"));

        assertThat(outcomes).extracting(RecordOutcome::index).containsExactly(0, 1, 2);
        assertThat(TestPool.rows(table, "id", "coalesce(name, '<null>') || '/' || note"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(1L, "a/dflt", 2L, "b/n", 3L, "<null>/dflt"));
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void upsertUpdatesExistingRowsAndAppliesInBatchDuplicatesInOrder(WriteMethod method) throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, name text, amount numeric");
        TargetTable writer = open(table, WriteMode.UPSERT, method);
        writeAndCommit(
                writer,
                records(
                        "{\"id\": 1, \"name\": \"old1\", \"amount\": 1}",
                        "{\"id\": 2, \"name\": \"old2\", \"amount\": 2}"));

        List<RecordOutcome> outcomes = writeAndCommit(
                writer,
                records(
                        "{\"id\": 1, \"name\": \"new1\"}",
                        "{\"id\": 3, \"name\": \"first\"}",
                        "{\"id\": 3, \"name\": \"last\"}",
                        "{\"id\": 2, \"name\": \"new2\", \"amount\": 20}"));

        assertThat(names(table)).containsExactlyInAnyOrderEntriesOf(Map.of(1L, "new1", 2L, "new2", 3L, "last"));
        assertThat(TestPool.rows(table, "id", "amount::text"))
                .containsEntry(1L, "1")
                .containsEntry(2L, "20");
        assertThat(outcomes).extracting(RecordOutcome::index).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void upsertRecordsOfOneKeyWithDifferentFieldsAllApplyAsIfWrittenOneByOne(WriteMethod method) throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, name text, amount numeric");
        TargetTable writer = open(table, WriteMode.UPSERT, method);

        writeAndCommit(
                writer,
                records(
                        "{\"id\": 1, \"name\": \"a\"}",
                        "{\"id\": 1, \"amount\": 5}",
                        "{\"id\": 1, \"name\": \"b\"}",
                        "{\"id\": 2, \"amount\": 7}"));

        assertThat(TestPool.rows(table, "id", "coalesce(name, '-')"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(1L, "b", 2L, "-"));
        assertThat(TestPool.rows(table, "id", "amount::text"))
                .containsEntry(1L, "5")
                .containsEntry(2L, "7");
    }

    static Stream<Arguments> poison() {
        List<Arguments> cases = new ArrayList<>();
        for (WriteMethod method : WriteMethod.values()) {
            for (WriteMode mode : WriteMode.values()) {
                if (mode == WriteMode.UPDATE) {
                    continue; // writes no row into an empty table; BatchWriterModesTest isolates its poison
                }
                cases.add(Arguments.of(method, mode, "{\"id\": 500, \"code\": \"too long\"}", "22001"));
                cases.add(Arguments.of(method, mode, "{\"id\": 500, \"name\": null}", "23502"));
                cases.add(Arguments.of(method, mode, "{\"id\": 500, \"qty\": -1}", "23514"));
            }
            cases.add(Arguments.of(method, WriteMode.INSERT, "{\"id\": 7}", "23505"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {3}")
    @MethodSource("poison")
    void aPoisonRowFailsTheWholeBatchWithItsSqlStateAndLeavesTheSessionReusable(
            WriteMethod method, WriteMode mode, String poison, String sqlState) throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, code varchar(5),"
                + " name text NOT NULL DEFAULT 'n', qty int CHECK (qty >= 0)");
        TargetTable writer = open(table, mode, method);
        List<String> json = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            json.add(i == 600 ? poison : "{\"id\": " + i + ", \"code\": \"c" + i % 10 + "\", \"qty\": 1}");
        }
        json.set(500, "{\"id\": 10000, \"code\": \"ok\"}");

        try (Session session = writer.openSession()) {
            DecodedBatch bad = writer.decode(records(json.toArray(String[]::new)));
            assertThatThrownBy(() -> session.write(bad)).isInstanceOfSatisfying(SQLException.class, e -> {
                assertThat(FailureClassifier.sqlState(e)).isEqualTo(sqlState);
                assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.POISON);
            });
            assertThat(TestPool.count(table)).isZero();

            try (Transaction results = session.write(writer.decode(records("{\"id\": 1, \"code\": \"fine\"}")))) {
                results.commit();
            }
        }
        assertThat(names(table)).containsOnlyKeys(1L);
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void resultsHoldTheConnectionUntilClosedAndCommitClosesEverything(WriteMethod method) throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, name text");
        TargetTable writer = open(table, WriteMode.UPSERT, method);
        DecodedBatch batch = writer.decode(records("{\"id\": 1, \"name\": \"a\"}", "{\"id\": 2}"));

        try (Session session = writer.openSession()) {
            Transaction results = session.write(batch);
            assertThat(results.openResources()).isPositive();
            assertThatThrownBy(() -> session.write(batch))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("connection busy");

            results.commit();
            assertThat(results.openResources()).isZero();
            assertThat(results.drained()).isEqualTo(batch.size());
            assertThatThrownBy(() -> session.write(batch)).hasMessageContaining("connection busy");
            results.close();

            try (Transaction next = session.write(writer.decode(records("{\"id\": 3}")))) {
                next.commit();
            }
        }
        assertThat(names(table)).containsOnlyKeys(1L, 2L, 3L);
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void aProcessorThatThrowsRollsTheBatchBackAndFreesTheSession(WriteMethod method) throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, name text");
        TargetTable writer = open(table, WriteMode.INSERT, method);
        List<SinkRecord> records = records("{\"id\": 1}", "{\"id\": 2, \"name\": \"b\"}");

        try (Session session = writer.openSession()) {
            assertThatThrownBy(() -> {
                        try (Transaction results = session.write(writer.decode(records))) {
                            results.forEachRemaining(outcome -> {
                                throw new IllegalStateException("processor failed");
                            });
                            results.commit();
                        }
                    })
                    .hasMessage("processor failed");
            assertThat(TestPool.count(table)).isZero();

            try (Transaction retry = session.write(writer.decode(records))) {
                retry.commit();
            }
        }
        assertThat(names(table)).containsOnlyKeys(1L, 2L);
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void closingWithoutCommitRollsBack(WriteMethod method) throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, name text");
        TargetTable writer = open(table, WriteMode.INSERT, method);

        try (Session session = writer.openSession()) {
            session.write(writer.decode(records("{\"id\": 1}"))).close();
            try (Transaction results = session.write(writer.decode(records("{\"id\": 2}")))) {
                results.commit();
            }
        }
        assertThat(names(table)).containsOnlyKeys(2L);
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void repeatedKeysInOneBatchEndAsIfAppliedOneByOneIncludingPartialRecords(WriteMethod method) throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, a text, b text");
        List<SinkRecord> batch = records(
                "{\"id\": 1, \"a\": \"a1\", \"b\": \"b1\"}",
                "{\"id\": 2, \"a\": \"a1\", \"b\": \"b1\"}",
                "{\"id\": 1, \"a\": \"a2\", \"b\": \"b2\"}",
                "{\"id\": 1, \"a\": \"a3\"}",
                "{\"id\": 2, \"b\": \"b2\"}",
                "{\"id\": 2, \"a\": \"a3\", \"b\": \"b3\"}",
                "{\"id\": 3, \"b\": \"b1\"}",
                "{\"id\": 3, \"a\": \"a2\"}");

        writeAndCommit(open(table, WriteMode.UPSERT, method), batch);

        assertThat(TestPool.rows(table, "id", "a || '/' || coalesce(b, '-')"))
                .isEqualTo(Map.of(1L, "a3/b2", 2L, "a3/b3", 3L, "a2/b1"));
    }
}
