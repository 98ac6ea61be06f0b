package io.pgsink.pg;

import static io.pgsink.testing.TestRecords.records;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.config.UnknownFieldPolicy;
import io.pgsink.config.WriteMethod;
import io.pgsink.config.WriteMode;
import io.pgsink.model.TableRef;
import io.pgsink.testing.TestPool;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** After an unanswered COMMIT the writer asks the server what became of the transaction, by its id. */
class CommitOutcomeTest {

    @Test
    void theServerTellsWhetherABatchsTransactionCommittedOrRolledBack() throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, name text");
        TargetTable writer = TargetTable.open(
                TestPool.pool(), table, WriteMode.INSERT, List.of(), UnknownFieldPolicy.IGNORE, WriteMethod.COPY);
        TransactionRef committedId;
        TransactionRef rolledBackId;
        try (Session session = writer.openSession()) {
            try (Transaction results = session.write(writer.decode(records("{\"id\": 1}")))) {
                committedId = results.ref();
                results.commit();
            }
            try (Transaction results = session.write(writer.decode(records("{\"id\": 2}")))) {
                rolledBackId = results.ref();
            }
        }

        assertThat(writer.committed(committedId)).isEqualTo(Optional.of(true));
        assertThat(writer.committed(rolledBackId)).isEqualTo(Optional.of(false));
        assertThat(committedId.id()).isNotEqualTo(rolledBackId.id());
    }

    @Test
    void aTransactionIdFromBeforeAServerRestartIsNotTrustedSoTheBatchIsWrittenAgain() throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, name text");
        TargetTable writer = TargetTable.open(
                TestPool.pool(), table, WriteMode.INSERT, List.of(), UnknownFieldPolicy.IGNORE, WriteMethod.COPY);
        TransactionRef committed;
        try (Session session = writer.openSession();
                Transaction results = session.write(writer.decode(records("{\"id\": 1}")))) {
            committed = results.ref();
            results.commit();
        }
        // The same id under another server start time: after a crash, ids that never reached the WAL come again.
        TransactionRef beforeRestart = new TransactionRef(committed.id(), "2000-01-01 00:00:00+00");

        assertThat(writer.committed(committed)).isEqualTo(Optional.of(true));
        assertThat(writer.committed(beforeRestart)).isEqualTo(Optional.of(false));
    }

    @Test
    void theCheckpointWrittenAtStartTellsTheFirstTransactionIdTheRestartedServerHandsOut() {
        CommitLookup.Checkpoint atStart = CommitLookup.checkpoint("2:4000000000", "0", "replica");
        CommitLookup.Checkpoint online = CommitLookup.checkpoint("0:900", "850", "replica");

        assertThat(atStart.nextId()).isEqualTo((2L << 32) + 4_000_000_000L);
        assertThat(atStart.writtenAtStart()).isTrue();
        assertThat(online.nextId()).isEqualTo(900);
        assertThat(online.writtenAtStart())
                .as("an online checkpoint names the oldest running transaction")
                .isFalse();
        assertThat(CommitLookup.checkpoint("0:900", "0", "minimal").writtenAtStart())
                .as("with wal_level=minimal no checkpoint names one, so none can be told apart")
                .isFalse();
    }
}
