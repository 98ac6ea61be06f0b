package io.pgsink.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.batch.Batch;
import io.pgsink.config.UnknownFieldPolicy;
import io.pgsink.config.WriteMethod;
import io.pgsink.config.WriteMode;
import io.pgsink.deadletter.DeadLetterSink;
import io.pgsink.error.RetryPolicy;
import io.pgsink.error.Sleeper;
import io.pgsink.model.PartitionRef;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TableRef;
import io.pgsink.pg.AuditTrail;
import io.pgsink.pg.ProgressStore;
import io.pgsink.pg.TargetTable;
import io.pgsink.testing.TestPool;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The audit trail: one row per committed batch, in the batch's own transaction, gone with it when rolled back. */
@Timeout(60)
class BatchWriterAuditTest {

    private static final AtomicInteger TABLES = new AtomicInteger();
    private static final PartitionRef P0 = new PartitionRef("events", 0);
    private static final PartitionRef P1 = new PartitionRef("events", 1);

    private final List<Long> committedTxids = new CopyOnWriteArrayList<>();
    private final TableRef auditTable = new TableRef("public", "pgsink_audit_test_" + TABLES.incrementAndGet());
    private final AuditTrail audit;

    BatchWriterAuditTest() throws SQLException {
        audit = AuditTrail.open(TestPool.pool(), auditTable, "worker-a");
    }

    private BatchWriter writer(TableRef table, ProgressStore progress) throws SQLException {
        TargetTable target = TargetTable.open(
                TestPool.pool(), table, WriteMode.INSERT, List.of(), UnknownFieldPolicy.IGNORE, WriteMethod.COPY);
        DeadLetterSink sink = rejections -> {};
        RetryPolicy retries = new RetryPolicy(
                Duration.ofMillis(10), Duration.ofMillis(10), Duration.ZERO, Sleeper.SYSTEM, Clock.systemUTC());
        WriteListener listener = new WriteListener() {
            @Override
            public void batchCommitted(
                    long batchId, List<SinkRecord> records, int written, int deadLettered, int skipped, long txid) {
                committedTxids.add(txid);
            }
        };
        AtomicLong ids = new AtomicLong(100);
        return new BatchWriter(
                target,
                sink,
                retries,
                listener,
                FailurePolicy.defaults(),
                progress,
                new WriteContext("orders", ids::incrementAndGet, audit));
    }

    /** Partitions alternate: even ids in partition 0, odd in 1; offset = id. */
    private static Batch batch(int from, int to) {
        List<SinkRecord> records = new ArrayList<>();
        for (int id = from; id < to; id++) {
            byte[] json = ("{\"id\": " + id + "}").getBytes(StandardCharsets.UTF_8);
            records.add(new SinkRecord("events", id % 2, id, 0L, null, json, List.of()));
        }
        return new Batch(records, records.size(), false);
    }

    @Test
    void eachCommittedBatchLeavesOneRowWrittenByItsOwnTransaction() throws Exception {
        TableRef table = TestPool.createTable("id bigint CHECK (id <> 13)");
        BatchWriter writer = writer(table, null);
        writer.write(batch(0, 10));
        writer.write(batch(10, 20)); // 13 is dead-lettered
        writer.close();

        List<List<Object>> rows = query("SELECT batch_id, route, target_table, rows, dead_lettered, txid,"
                + " partitions::text, worker_id, committed_at >= started_at FROM " + auditTable.quoted()
                + " ORDER BY batch_id");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0))
                .containsExactly(
                        101L,
                        "orders",
                        table.toString(),
                        10,
                        0,
                        committedTxids.get(0),
                        "[{\"last\": 8, \"first\": 0, \"topic\": \"events\", \"partition\": 0},"
                                + " {\"last\": 9, \"first\": 1, \"topic\": \"events\", \"partition\": 1}]",
                        "worker-a",
                        true);
        assertThat(rows.get(1).subList(0, 6))
                .containsExactly(102L, "orders", table.toString(), 9, 1, committedTxids.get(1));
        // The id each event carries is the transaction that inserted the audit row (the batch's rows themselves
        // are written under savepoints, subtransactions with ids of their own).
        assertThat(query("SELECT xmin::text::bigint FROM " + auditTable.quoted() + " ORDER BY batch_id"))
                .containsExactly(List.of(committedTxids.get(0)), List.of(committedTxids.get(1)));
    }

    @Test
    void aRolledBackTransactionLeavesNoAuditRow() throws Exception {
        TableRef table = TestPool.createTable("id bigint");
        ProgressStore store = ProgressStore.open(
                TestPool.pool(), new TableRef("public", "pgsink_progress_test"), "audit-" + auditTable.quoted());
        Map<PartitionRef, ProgressStore.Position> mine = store.claim(List.of(P0, P1), "zombie");
        store.claim(List.of(P1), "new owner"); // the first transaction fails its fence and rolls back
        BatchWriter writer = writer(table, store);
        Batch batch = batch(0, 10);

        writer.write(
                batch,
                writer.decode(batch),
                new Fence(
                        Set::of,
                        Map.of(P0, mine.get(P0).generation(), P1, mine.get(P1).generation())));
        writer.close();

        // Only the second transaction (partition 0 alone) committed, and only it left a row.
        assertThat(query("SELECT rows, partitions::text FROM " + auditTable.quoted()))
                .containsExactly(List.of(5, "[{\"last\": 8, \"first\": 0, \"topic\": \"events\", \"partition\": 0}]"));
    }

    private static List<List<Object>> query(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = TestPool.pool().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
