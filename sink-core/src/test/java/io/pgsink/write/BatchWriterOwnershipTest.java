package io.pgsink.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgsink.batch.Batch;
import io.pgsink.config.UnknownFieldPolicy;
import io.pgsink.config.WriteMethod;
import io.pgsink.config.WriteMode;
import io.pgsink.deadletter.DeadLetterSink;
import io.pgsink.deadletter.Rejection;
import io.pgsink.error.RetryPolicy;
import io.pgsink.error.Sleeper;
import io.pgsink.model.PartitionRef;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TableRef;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A batch whose partitions move to another owner while it is being written must not commit their records: the
 * next owner writes them, and a late commit would overwrite its newer values. Against a real PostgreSQL.
 */
@Timeout(60)
class BatchWriterOwnershipTest {

    private static final PartitionRef P0 = new PartitionRef("events", 0);
    private static final PartitionRef P1 = new PartitionRef("events", 1);

    private final List<Rejection> deadLettered = new CopyOnWriteArrayList<>();
    private final int[] handled = new int[2];

    private BatchWriter writer(TableRef table) throws SQLException {
        return writer(table, () -> {});
    }

    private BatchWriter writer(TableRef table, Runnable onSplit) throws SQLException {
        TargetTable tableWriter = TargetTable.open(
                TestPool.pool(), table, WriteMode.INSERT, List.of(), UnknownFieldPolicy.IGNORE, WriteMethod.COPY);
        DeadLetterSink sink = deadLettered::addAll;
        RetryPolicy retries = new RetryPolicy(
                Duration.ofMillis(10), Duration.ofMillis(10), Duration.ZERO, Sleeper.SYSTEM, Clock.systemUTC());
        return new BatchWriter(tableWriter, sink, retries, new WriteListener() {

            @Override
            public void split() {
                onSplit.run();
            }

            @Override
            public void handled(int written, int rejected) {
                handled[0] += written;
                handled[1] += rejected;
            }
        });
    }

    /** Ten records of partition 0 (ids 0-9), then ten of partition 1 (ids 10-19), plus {@code extra} of partition 1. */
    private static Batch batch(String... extra) {
        List<SinkRecord> records = new ArrayList<>();
        for (int id = 0; id < 20; id++) {
            records.add(record(id < 10 ? 0 : 1, id, "{\"id\": " + id + "}"));
        }
        for (String json : extra) {
            records.add(record(1, records.size(), json));
        }
        return new Batch(records, records.size(), false);
    }

    private static SinkRecord record(int partition, long offset, String json) {
        return new SinkRecord("events", partition, offset, 0L, null, json.getBytes(StandardCharsets.UTF_8), List.of());
    }

    @Test
    void partitionsTakenAwayWhileTheWriteWaitsAreRolledBackAndTheRestIsWritten() throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY");
        BatchWriter writer = writer(table);
        AtomicReference<Set<PartitionRef>> moved = new AtomicReference<>(Set.of());
        Batch batch = batch();

        try (Connection lock = TestPool.pool().getConnection();
                Statement st = lock.createStatement()) {
            lock.setAutoCommit(false);
            st.execute("LOCK TABLE " + table.quoted() + " IN ACCESS EXCLUSIVE MODE");
            CompletableFuture<Long> write = CompletableFuture.supplyAsync(() -> {
                try {
                    return writer.write(batch, writer.decode(batch), moved::get);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> TestPool.waitingOnALock() > 0);
            // The rebalance gives up waiting for the batch and hands partition 1 over; then the lock goes.
            moved.set(Set.of(P1));
            lock.rollback();
            write.get(30, TimeUnit.SECONDS);
        }
        writer.close();

        assertThat(ids(table)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(handled).containsExactly(10, 0);
    }

    @Test
    void recordsOfAPartitionAlreadyGoneAreNeitherWrittenNorDeadLettered() throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY");
        BatchWriter writer = writer(table);
        Batch batch = batch("{\"id\": ");

        writer.write(batch, writer.decode(batch), () -> Set.of(P1));
        writer.close();

        assertThat(ids(table)).hasSize(10).allMatch(id -> id < 10);
        assertThat(deadLettered).isEmpty();
        assertThat(handled).containsExactly(10, 0);

        Batch all = batch();
        BatchWriter again = writer(TestPool.createTable("id bigint PRIMARY KEY"));
        again.write(all, again.decode(all), () -> Set.of(P0, P1));
        again.close();
        assertThat(handled).containsExactly(10, 0);
    }

    @Test
    void aMoveInTheMiddleOfABisectionRollsTheBatchBackAndWritesTheRestOnce() throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY CHECK (id <> 6)");
        AtomicReference<Set<PartitionRef>> moved = new AtomicReference<>(Set.of());
        // Partition 1 moves away as soon as the bisection starts: the bisection runs inside the batch's one
        // transaction, so nothing of partition 1 may commit, not even the parts written before the move.
        BatchWriter writer = writer(table, () -> moved.set(Set.of(P1)));
        List<SinkRecord> records = new ArrayList<>();
        for (int id = 0; id < 20; id++) {
            records.add(record(id % 2, id, "{\"id\": " + id + "}")); // partitions alternate; id 6 fails its CHECK
        }
        Batch batch = new Batch(records, records.size(), false);

        writer.write(batch, writer.decode(batch), moved::get);
        writer.close();

        // Partition 0's records, once each; partition 1's are left to its next owner.
        assertThat(ids(table)).containsExactly(0L, 2L, 4L, 8L, 10L, 12L, 14L, 16L, 18L);
        assertThat(deadLettered).extracting(r -> r.record().offset()).containsExactly(6L);
        assertThat(handled).containsExactly(9, 1);
    }

    @Test
    void theDriftRuleDoesNotCountRecordsOfPartitionsThatMovedAsWritten() throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY");
        BatchWriter writer = writer(table);
        List<SinkRecord> records = new ArrayList<>();
        // Partition 0: twenty ids that are not numbers (the default drift limit), each followed by a good record of
        // partition 1, which moves away: its records are neither written nor break partition 0's run.
        for (int i = 0; i < 20; i++) {
            records.add(record(0, i, "{\"id\": \"x\"}"));
            records.add(record(1, i, "{\"id\": " + i + "}"));
        }
        Batch batch = new Batch(records, records.size(), false);

        assertThatThrownBy(() -> writer.write(batch, writer.decode(batch), () -> Set.of(P1)))
                .isInstanceOf(FatalWriteException.class)
                .hasMessageContaining("20 records in a row");
        writer.close();
        assertThat(deadLettered).isEmpty();
    }

    private static List<Long> ids(TableRef table) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = TestPool.pool().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM " + table.quoted() + " ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
