package io.pgsink.write;

import io.pgsink.model.PartitionRef;
import io.pgsink.pg.CommitUnknownException;
import io.pgsink.pg.ProgressStore;
import io.pgsink.pg.TargetTable;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What became of a transaction whose COMMIT went unanswered. With a progress table the answer is read from it:
 * the batch committed exactly when its partitions' stored offsets reached the batch's end under its generation.
 * Without one, the server is asked about the transaction id, which {@link TargetTable#committed} refuses to trust
 * across a server restart.
 */
final class UnknownCommit {

    /** The answer: committed or not (write again), and partitions found claimed by another owner meanwhile. */
    record Outcome(boolean committed, Set<PartitionRef> moved) {}

    private final TargetTable table;
    private final ProgressStore progress;

    UnknownCommit(TargetTable table, ProgressStore progress) {
        this.table = table;
        this.progress = progress;
    }

    /** Empty while the database cannot tell yet (still in progress); throws while it cannot be reached. */
    Optional<Outcome> resolve(
            CommitUnknownException unknown, Map<PartitionRef, Long> nextOffsets, Map<PartitionRef, Long> generations)
            throws SQLException {
        if (progress == null) {
            return table.committed(unknown.transaction()).map(committed -> new Outcome(committed, Set.of()));
        }
        Map<PartitionRef, ProgressStore.Position> stored = progress.read(nextOffsets.keySet());
        Set<PartitionRef> moved = new HashSet<>();
        boolean committed = false;
        for (Map.Entry<PartitionRef, Long> next : nextOffsets.entrySet()) {
            ProgressStore.Position position = stored.get(next.getKey());
            if (position == null || position.generation() != generations.getOrDefault(next.getKey(), -1L)) {
                moved.add(next.getKey());
            } else if (position.nextOffset() >= next.getValue()) {
                committed = true; // one transaction: one partition's offset in means all of it is in
            }
        }
        return Optional.of(new Outcome(committed, moved));
    }
}
