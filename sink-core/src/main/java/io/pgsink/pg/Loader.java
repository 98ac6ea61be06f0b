package io.pgsink.pg;

import io.pgsink.config.WriteMethod;
import io.pgsink.decode.Row;
import java.sql.SQLException;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * Sends the rows of a batch for one {@link WriteMethod}, inside the transaction its {@link Session} owns.
 * Never commits or rolls back the batch: the session and its {@link Transaction} do. Each method adds whatever must
 * stay open until the results are closed to {@code open}, as soon as it is opened, so a failure part-way still
 * closes it.
 */
interface Loader {

    /**
     * Runs before the batch's transaction starts, with every column set the batch will write and whether it
     * deletes; lets a writer set up per-connection state that must outlive a rolled-back batch.
     */
    void prepare(Set<BitSet> columnSets, boolean deletes) throws SQLException;

    /**
     * Writes rows that all set exactly {@code columns}.
     *
     * @param firstWrite whether these rows are the batch's first to be written (its first generation), so that no
     *     earlier part of the same transaction wrote their keys
     * @return one outcome per row, in row order
     */
    List<RecordOutcome> write(BitSet columns, List<Row> rows, boolean firstWrite, List<PendingResult> open)
            throws SQLException;

    /** Deletes the rows whose keys {@code rows} hold (no key twice); a key without a row is no error. */
    List<RecordOutcome> delete(List<Row> rows, List<PendingResult> open) throws SQLException;
}
