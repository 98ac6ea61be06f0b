package io.pgsink.write;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.pgsink.pg.ProgressStore;
import io.pgsink.pg.TargetTable;
import io.pgsink.testing.TestPool;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Exactly-once writes: the batch's transaction moves its partitions' stored offsets, only under the generation it
 * was handed over with, and only after its dead letters were acknowledged.
 */
@Timeout(60)
class BatchWriterProgressTest {

    private static final AtomicInteger GROUPS = new AtomicInteger();
    private static final PartitionRef P0 = new PartitionRef("events", 0);
    private static final PartitionRef P1 = new PartitionRef("events", 1);

    private final List<Rejection> deadLettered = new CopyOnWriteArrayList<>();
    private final ProgressStore store;

    BatchWriterProgressTest() throws SQLException {
        store = ProgressStore.open(
                TestPool.pool(), new TableRef("public", "pgsink_progress_test"), "writer-" + GROUPS.incrementAndGet());
    }

    private BatchWriter writer(TableRef table, WriteMethod method) throws SQLException {
        TargetTable target = TargetTable.open(
                TestPool.pool(), table, WriteMode.INSERT, List.of(), UnknownFieldPolicy.IGNORE, method);
        DeadLetterSink sink = deadLettered::addAll;
        RetryPolicy retries = new RetryPolicy(
                Duration.ofMillis(10), Duration.ofMillis(10), Duration.ZERO, Sleeper.SYSTEM, Clock.systemUTC());
        return new BatchWriter(target, sink, retries, new WriteListener() {}, store);
    }

    /** Partitions alternate: even ids in partition 0, odd in 1; offset = id. */
    private static Batch batch(int count) {
        List<SinkRecord> records = new ArrayList<>();
        for (int id = 0; id < count; id++) {
            byte[] json = ("{\"id\": " + id + "}").getBytes(StandardCharsets.UTF_8);
            records.add(new SinkRecord("events", id % 2, id, 0L, null, json, List.of()));
        }
        return new Batch(records, records.size(), false);
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void aBatchOfAPartitionClaimedByAnotherOwnerCommitsNothingOfIt(WriteMethod method) throws Exception {
        TableRef table = TestPool.createTable("id bigint");
        Map<PartitionRef, ProgressStore.Position> mine = store.claim(List.of(P0, P1), "zombie");
        store.claim(List.of(P1), "new owner"); // the consumer of "zombie" has not heard of it yet
        BatchWriter writer = writer(table, method);
        Batch batch = batch(10);

        BatchWriter.Written written = writer.write(
                batch,
                writer.decode(batch),
                new Fence(
                        Set::of,
                        Map.of(P0, mine.get(P0).generation(), P1, mine.get(P1).generation())));
        writer.close();

        assertThat(written.moved()).containsExactly(P1);
        assertThat(TestPool.rows(table, "id", "id").keySet()).containsExactlyInAnyOrder(0L, 2L, 4L, 6L, 8L);
        assertThat(store.read(List.of(P0, P1)))
                .containsEntry(P0, new ProgressStore.Position(9, mine.get(P0).generation()))
                .containsEntry(P1, new ProgressStore.Position(-1, mine.get(P1).generation() + 1));
    }

    @Test
    void poisonIsDeadLetteredOnceAndTheProgressMovesPastItInTheSameTransaction() throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY CHECK (id <> 3 AND id <> 6)");
        Map<PartitionRef, ProgressStore.Position> mine = store.claim(List.of(P0, P1), "owner");
        BatchWriter writer = writer(table, WriteMethod.COPY);
        Batch batch = batch(10);

        writer.write(
                batch,
                writer.decode(batch),
                new Fence(
                        Set::of,
                        Map.of(P0, mine.get(P0).generation(), P1, mine.get(P1).generation())));
        writer.close();

        assertThat(deadLettered).extracting(r -> r.record().offset()).containsExactlyInAnyOrder(3L, 6L);
        assertThat(TestPool.count(table)).isEqualTo(8);
        assertThat(store.read(List.of(P0, P1)))
                .containsEntry(P0, new ProgressStore.Position(9, mine.get(P0).generation()))
                .containsEntry(P1, new ProgressStore.Position(10, mine.get(P1).generation()));
    }

    @Test
    void aBatchWhoseEveryRecordIsUndecodableStillMovesTheProgress() throws Exception {
        TableRef table = TestPool.createTable("id bigint");
        Map<PartitionRef, ProgressStore.Position> mine = store.claim(List.of(P0), "owner");
        BatchWriter writer = writer(table, WriteMethod.COPY);
        byte[] bad = "not json".getBytes(StandardCharsets.UTF_8);
        Batch batch = new Batch(List.of(new SinkRecord("events", 0, 41, 0L, null, bad, List.of())), 8, false);

        writer.write(
                batch,
                writer.decode(batch),
                new Fence(Set::of, Map.of(P0, mine.get(P0).generation())));
        writer.close();

        assertThat(deadLettered).hasSize(1);
        assertThat(store.read(List.of(P0))).containsEntry(P0, new ProgressStore.Position(42, 1));
    }
}
