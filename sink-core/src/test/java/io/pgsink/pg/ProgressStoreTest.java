package io.pgsink.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.config.UnknownFieldPolicy;
import io.pgsink.config.WriteMethod;
import io.pgsink.config.WriteMode;
import io.pgsink.model.PartitionRef;
import io.pgsink.model.TableRef;
import io.pgsink.testing.TestPool;
import io.pgsink.testing.TestRecords;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The progress table: claims fence earlier owners, advances are conditioned on the generation, in one transaction. */
@Timeout(60)
class ProgressStoreTest {

    private static final AtomicInteger GROUPS = new AtomicInteger();
    private static final PartitionRef P0 = new PartitionRef("events", 0);
    private static final PartitionRef P1 = new PartitionRef("events", 1);

    private final String group = "group-" + GROUPS.incrementAndGet();

    private ProgressStore store() throws SQLException {
        return ProgressStore.open(TestPool.pool(), new TableRef("public", "pgsink_progress_test"), group);
    }

    @Test
    void aFirstClaimHasNoStoredOffsetAndEveryClaimIsANewGeneration() throws SQLException {
        ProgressStore store = store();

        Map<PartitionRef, ProgressStore.Position> first = store.claim(List.of(P1, P0), "a");
        Map<PartitionRef, ProgressStore.Position> second = store.claim(List.of(P0), "b");

        assertThat(first)
                .containsEntry(P0, new ProgressStore.Position(-1, 1))
                .containsEntry(P1, new ProgressStore.Position(-1, 1));
        assertThat(second).containsExactly(Map.entry(P0, new ProgressStore.Position(-1, 2)));
        assertThat(store.list()).extracting(ProgressStore.Row::owner).containsExactly("b", "a");
    }

    @Test
    void anAdvanceUnderAnOlderGenerationMatchesNothingAndReportsThePartitionMoved() throws SQLException {
        ProgressStore store = store();
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY");
        long oldGeneration = store.claim(List.of(P0, P1), "a").get(P0).generation();
        store.claim(List.of(P0), "b"); // the new owner of partition 0

        Set<PartitionRef> moved;
        try (Session session = target(table).openSession();
                Transaction transaction = session.write(target(table).decode(TestRecords.records("{\"id\": 1}")))) {
            moved = store.advance(transaction, Map.of(P0, 10L, P1, 20L), Map.of(P0, oldGeneration, P1, oldGeneration));
            transaction.commit();
        }

        assertThat(moved).containsExactly(P0);
        assertThat(store.read(List.of(P0, P1)))
                .containsEntry(P0, new ProgressStore.Position(-1, 2))
                .containsEntry(P1, new ProgressStore.Position(20, 1));
    }

    @Test
    void aClaimWaitsForTheOldOwnersOpenTransactionAndResumesAfterIt() throws Exception {
        ProgressStore store = store();
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY");
        long generation = store.claim(List.of(P0), "a").get(P0).generation();
        TargetTable target = target(table);

        CompletableFuture<Map<PartitionRef, ProgressStore.Position>> claim;
        try (Session session = target.openSession();
                Transaction transaction = session.write(target.decode(TestRecords.records("{\"id\": 1}")))) {
            assertThat(store.advance(transaction, Map.of(P0, 42L), Map.of(P0, generation)))
                    .isEmpty();
            claim = CompletableFuture.supplyAsync(() -> {
                try {
                    return store.claim(List.of(P0), "b");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> TestPool.waitingOnALock() > 0);
            assertThat(claim).isNotDone();
            transaction.commit();
        }

        // The new owner starts exactly after the old owner's last committed batch.
        assertThat(claim.get(10, TimeUnit.SECONDS)).containsEntry(P0, new ProgressStore.Position(42, generation + 1));
        assertThat(TestPool.count(table)).isEqualTo(1);
    }

    @Test
    void anOperatorsResetMovesTheOffsetAndFencesTheRunningOwner() throws SQLException {
        ProgressStore store = store();
        long generation = store.claim(List.of(P0), "a").get(P0).generation();

        store.set(Map.of(P0, 7L, P1, 3L), "reset");

        assertThat(store.read(List.of(P0, P1)))
                .containsEntry(P0, new ProgressStore.Position(7, generation + 1))
                .containsEntry(P1, new ProgressStore.Position(3, 2));
    }

    @Test
    void theDdlForOperatorsCreatesTheSameTable() throws SQLException {
        TableRef table = new TableRef("public", "pgsink_progress_ddl_" + GROUPS.incrementAndGet());
        TestPool.execute(TestPool.pool(), ProgressStore.ddl(table));

        ProgressStore store = ProgressStore.open(TestPool.pool(), table, group);

        assertThat(store.claim(List.of(P0), "a")).containsEntry(P0, new ProgressStore.Position(-1, 1));
    }

    private static TargetTable target(TableRef table) throws SQLException {
        return TargetTable.open(
                TestPool.pool(), table, WriteMode.INSERT, List.of(), UnknownFieldPolicy.IGNORE, WriteMethod.COPY);
    }
}
