package io.pgsink.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.batch.Batch;
import io.pgsink.config.MissingRowPolicy;
import io.pgsink.config.UnknownFieldPolicy;
import io.pgsink.config.WriteMethod;
import io.pgsink.config.WriteMode;
import io.pgsink.deadletter.Rejection;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.decode.Operation;
import io.pgsink.decode.Row;
import io.pgsink.error.RetryPolicy;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TableRef;
import io.pgsink.pg.TargetTable;
import io.pgsink.testing.ManualClock;
import io.pgsink.testing.TestPool;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Write modes and deletes through the writer, against a real PostgreSQL, by COPY and by JDBC batch: insert-if-absent
 * keeps the first row, update touches existing rows only and reports the others by policy, deletes and truncates
 * apply in offset order with the writes around them, bad records of any mode are isolated, and a stream replayed
 * from its start leaves the same table.
 *
 * <p>The table is {@code (id bigint PRIMARY KEY, v varchar(10), n int)}; rows are built by hand, as a format's
 * decoder would hand them over, since deletes and truncates come from formats this test does not exercise.
 */
@Timeout(60)
class BatchWriterModesTest {

    private static final int ID = 0;
    private static final int V = 1;
    private static final int N = 2;

    private final List<Rejection> deadLettered = new CopyOnWriteArrayList<>();
    private final AtomicInteger missing = new AtomicInteger();
    private final List<BatchWriter> writers = new ArrayList<>();
    private TargetTable table;

    @AfterEach
    void closeWriters() {
        writers.forEach(BatchWriter::close);
        writers.clear();
    }

    private BatchWriter writer(TableRef ref, WriteMode mode, WriteMethod method, MissingRowPolicy policy)
            throws SQLException {
        closeWriters(); // one at a time: each holds a connection of the small shared pool
        table = TargetTable.open(TestPool.pool(), ref, mode, List.of(), UnknownFieldPolicy.IGNORE, method, policy);
        ManualClock clock = new ManualClock();
        RetryPolicy retries =
                new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(40), Duration.ZERO, clock::advance, clock);
        BatchWriter writer = new BatchWriter(table, deadLettered::addAll, retries, new WriteListener() {
            @Override
            public void rowsMissing(int count) {
                missing.addAndGet(count);
            }
        });
        writers.add(writer);
        return writer;
    }

    private static TableRef newTable() throws SQLException {
        return TestPool.createTable("id bigint PRIMARY KEY, v varchar(10), n int");
    }

    /** A record to write: {@code id} and, where not null, v and n. */
    private static Row write(long id, String v, Integer n) {
        BitSet present = new BitSet();
        present.set(ID);
        String[] values = new String[3];
        values[ID] = Long.toString(id);
        if (v != null) {
            present.set(V);
            values[V] = v;
        }
        if (n != null) {
            present.set(N);
            values[N] = n.toString();
        }
        return new Row(-1, present, values, Operation.WRITE);
    }

    private static Row delete(Object id) {
        BitSet present = new BitSet();
        present.set(ID);
        String[] values = new String[3];
        values[ID] = id.toString();
        return new Row(-1, present, values, Operation.DELETE);
    }

    private static Row truncate() {
        return new Row(-1, new BitSet(), new String[3], Operation.TRUNCATE);
    }

    /** Writes the rows as one batch at consecutive offsets from {@code firstOffset}. */
    private void write(BatchWriter writer, long firstOffset, List<Row> rows) throws Exception {
        List<SinkRecord> records = new ArrayList<>();
        List<Row> indexed = new ArrayList<>();
        for (Row row : rows) {
            int index = indexed.size();
            indexed.add(new Row(index, row.present(), row.values(), row.operation()));
            records.add(new SinkRecord(
                    "events",
                    0,
                    firstOffset + index,
                    0L,
                    null,
                    describe(row).getBytes(StandardCharsets.UTF_8),
                    List.of()));
        }
        DecodedBatch decoded = table.batchOf(indexed, Map.of());
        writer.write(new Batch(records, records.size(), false), decoded);
    }

    private static String describe(Row row) {
        return row.operation() + " " + Arrays.toString(row.values());
    }

    /** id to "v/n" for every row, in id order. */
    private static Map<Long, String> rows(TableRef ref) throws SQLException {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = TestPool.pool().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, v, n FROM " + ref.quoted())) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2) + "/" + rs.getString(3));
            }
        }
        return rows;
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void insertIfAbsentKeepsTheFirstRowOfAKeyWithinABatchAndAcrossBatches(WriteMethod method) throws Exception {
        TableRef ref = newTable();
        BatchWriter writer = writer(ref, WriteMode.INSERT_IF_ABSENT, method, MissingRowPolicy.SKIP);

        write(writer, 0, List.of(write(1, "first", 1), write(2, "first", 2), write(1, "second", 3)));
        write(writer, 3, List.of(write(2, "later", 4), write(3, "new", 5)));

        assertThat(rows(ref))
                .containsExactly(Map.entry(1L, "first/1"), Map.entry(2L, "first/2"), Map.entry(3L, "new/5"));
        assertThat(deadLettered).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void updateSetsOnlyTheColumnsARecordSetsAndSkipsAndCountsARecordWithoutARow(WriteMethod method) throws Exception {
        TableRef ref = newTable();
        TestPool.execute(TestPool.pool(), "INSERT INTO " + ref.quoted() + " VALUES (1, 'a', 10), (2, 'b', 20)");
        BatchWriter writer = writer(ref, WriteMode.UPDATE, method, MissingRowPolicy.SKIP);

        write(writer, 0, List.of(write(1, "a2", null), write(3, "none", 30), write(2, null, 21), write(3, "x", 1)));

        assertThat(rows(ref)).containsExactly(Map.entry(1L, "a2/10"), Map.entry(2L, "b/21"));
        assertThat(missing).as("both records of key 3 had no row").hasValue(2);
        assertThat(deadLettered).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void updateDeadLettersARecordWithoutARowAsSuchAndWritesTheRest(WriteMethod method) throws Exception {
        TableRef ref = newTable();
        TestPool.execute(TestPool.pool(), "INSERT INTO " + ref.quoted() + " VALUES (1, 'a', 10)");
        BatchWriter writer = writer(ref, WriteMode.UPDATE, method, MissingRowPolicy.DEAD_LETTER);

        write(writer, 0, List.of(write(7, "none", null), write(1, "a2", 11), write(8, null, 1)));

        assertThat(rows(ref)).containsExactly(Map.entry(1L, "a2/11"));
        assertThat(deadLettered).extracting(r -> r.record().offset()).containsExactly(0L, 2L);
        assertThat(deadLettered).allSatisfy(r -> {
            assertThat(r.reason()).startsWith("no row with this key");
            assertThat(r.exceptionClass()).isEqualTo(MissingRows.LABEL);
            assertThat(r.sqlState()).isNull();
        });
        assertThat(missing).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void updateInsertsARecordWithoutARowWhenThePolicySaysSo(WriteMethod method) throws Exception {
        TableRef ref = newTable();
        TestPool.execute(TestPool.pool(), "INSERT INTO " + ref.quoted() + " VALUES (1, 'a', 10)");
        BatchWriter writer = writer(ref, WriteMode.UPDATE, method, MissingRowPolicy.INSERT);

        write(writer, 0, List.of(write(1, null, 11), write(2, "new", null)));

        assertThat(rows(ref)).containsExactly(Map.entry(1L, "a/11"), Map.entry(2L, "new/null"));
        assertThat(deadLettered).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void deletesRemoveRowsByKeyAndADeleteOfNoRowIsNoError(WriteMethod method) throws Exception {
        TableRef ref = newTable();
        TestPool.execute(
                TestPool.pool(), "INSERT INTO " + ref.quoted() + " VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
        BatchWriter writer = writer(ref, WriteMode.UPSERT, method, MissingRowPolicy.SKIP);

        write(writer, 0, List.of(delete(1), delete(99), delete(3)));

        assertThat(rows(ref)).containsExactly(Map.entry(2L, "b/2"));
        assertThat(deadLettered).isEmpty();
    }

    /** Insert, update, delete and re-insert of one key in one batch, in each mode: the table as one by one. */
    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void writesAndDeletesOfOneKeyInOneBatchEndAsIfAppliedOneByOne(WriteMethod method) throws Exception {
        Map<WriteMode, Map<Long, String>> expected = Map.of(
                // insert 1, (1 again: duplicate, dead-lettered), delete 1, insert 1, (1 again: duplicate), delete 2,
                // insert 2
                WriteMode.INSERT, Map.of(1L, "c/3", 2L, "e/null"),
                // upsert: 1 ends as the re-insert plus the partial update after it; 2 as its new row
                WriteMode.UPSERT, Map.of(1L, "c/4", 2L, "e/null"),
                // first write wins until the delete; then the re-insert is the first again
                WriteMode.INSERT_IF_ABSENT, Map.of(1L, "c/3", 2L, "e/null"),
                // update: 1 never has a row (updates do not insert), 2 is deleted before its update
                WriteMode.UPDATE, Map.of());
        for (WriteMode mode : WriteMode.values()) {
            deadLettered.clear();
            TableRef ref = newTable();
            TestPool.execute(TestPool.pool(), "INSERT INTO " + ref.quoted() + " VALUES (2, 'old', 0)");
            BatchWriter writer = writer(ref, mode, method, MissingRowPolicy.SKIP);

            write(
                    writer,
                    0,
                    List.of(
                            write(1, "a", 1),
                            write(1, "b", 2),
                            delete(1),
                            write(1, "c", 3),
                            delete(2),
                            write(1, null, mode == WriteMode.UPSERT ? 4 : null),
                            write(2, "e", null)));

            assertThat(rows(ref)).as(mode.toString()).isEqualTo(new TreeMap<>(expected.get(mode)));
            assertThat(deadLettered)
                    .as(mode + ": only insert mode rejects the duplicate")
                    .extracting(r -> r.record().offset())
                    .isEqualTo(mode == WriteMode.INSERT ? List.of(1L, 5L) : List.of());
        }
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void aTruncateRemovesWhatCameBeforeItAndKeepsWhatComesAfter(WriteMethod method) throws Exception {
        TableRef ref = newTable();
        TestPool.execute(TestPool.pool(), "INSERT INTO " + ref.quoted() + " VALUES (1, 'a', 1)");
        BatchWriter writer = writer(ref, WriteMode.UPSERT, method, MissingRowPolicy.SKIP);

        write(writer, 0, List.of(write(2, "b", 2), truncate(), write(3, "c", 3), write(2, "d", null)));

        assertThat(rows(ref)).containsExactly(Map.entry(2L, "d/null"), Map.entry(3L, "c/3"));
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void aBadRecordInAnUpdateOrDeleteBatchIsIsolatedAndTheRestWritten(WriteMethod method) throws Exception {
        TableRef ref = newTable();
        TestPool.execute(
                TestPool.pool(),
                "INSERT INTO " + ref.quoted() + " SELECT i, 'v' || i, i FROM generate_series(1, 40) i");
        BatchWriter updates = writer(ref, WriteMode.UPDATE, method, MissingRowPolicy.SKIP);
        List<Row> rows = new ArrayList<>();
        for (long id = 1; id <= 20; id++) {
            rows.add(write(id, id == 13 ? "far too long" : "u" + id, null));
        }
        write(updates, 0, rows);
        BatchWriter deletes = writer(ref, WriteMode.UPSERT, method, MissingRowPolicy.SKIP);
        List<Row> removals = new ArrayList<>();
        for (long id = 21; id <= 40; id++) {
            removals.add(id == 30 ? delete("thirty") : delete(id));
        }
        write(deletes, 20, removals);

        assertThat(deadLettered).extracting(r -> r.record().offset()).containsExactly(12L, 29L);
        assertThat(deadLettered).extracting(Rejection::sqlState).containsExactly("22001", "22P02");
        Map<Long, String> table = rows(ref);
        assertThat(table).hasSize(21).containsEntry(13L, "v13/13").containsEntry(12L, "u12/12");
        assertThat(table).containsEntry(30L, "v30/30");
        assertThat(table.keySet()).allMatch(id -> id <= 20 || id == 30);
    }

    /** The same stream written twice from offset 0, in batches of different sizes: the same table. */
    @ParameterizedTest
    @EnumSource(
            value = WriteMode.class,
            names = {"UPSERT", "INSERT_IF_ABSENT", "UPDATE"})
    void replayingTheStreamFromItsStartLeavesTheSameTable(WriteMode mode) throws Exception {
        List<Row> stream = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 600; i++) {
            long id = 1 + random.nextInt(40);
            int kind = random.nextInt(10);
            stream.add(kind < 3 ? delete(id) : kind < 5 ? write(id, null, i) : write(id, "v" + i, i));
        }
        for (WriteMethod method : WriteMethod.values()) {
            TableRef ref = newTable();
            BatchWriter writer = writer(ref, mode, method, MissingRowPolicy.INSERT);
            writeInBatches(writer, stream, 50);
            Map<Long, String> once = rows(ref);
            writeInBatches(writer, stream, 170);

            assertThat(rows(ref)).as(method.toString()).isEqualTo(once);
            assertThat(once).as("the stream leaves rows").isNotEmpty();
            assertThat(deadLettered).isEmpty();
        }
    }

    private void writeInBatches(BatchWriter writer, List<Row> stream, int size) throws Exception {
        for (int from = 0; from < stream.size(); from += size) {
            write(writer, from, stream.subList(from, Math.min(stream.size(), from + size)));
        }
    }
}
