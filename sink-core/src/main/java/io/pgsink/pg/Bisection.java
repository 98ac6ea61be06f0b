package io.pgsink.pg;

import io.pgsink.decode.DecodedBatch;
import java.sql.SQLException;
import java.util.List;

/**
 * Finds the rows of a batch that the database refuses, inside one open transaction: a part is written under a
 * savepoint; a part that fails in a way the caller splits on is rolled back to it and written again as two halves,
 * down to single rows, which are then refused on their own. About k·log2(n) part writes find k bad rows among n,
 * and every other row is written. The worker's {@code BatchWriter} and the library's batch engine both isolate bad
 * rows with it; what a refused row becomes (a dead letter, a failed outcome) is the caller's.
 */
public final class Bisection {

    private Bisection() {}

    /**
     * What the caller decides as the parts settle.
     *
     * @param <E> what the caller's hooks may throw besides SQL and interruption (the worker stops on drift)
     */
    public interface Parts<E extends Exception> {

        /** Writes {@code part} into the open transaction (a savepoint is already taken). */
        List<RecordOutcome> write(DecodedBatch part) throws SQLException;

        /** Whether a part that failed with {@code failure} is split; otherwise the failure is thrown on. */
        boolean splits(SQLException failure);

        /** {@code part} was written (its savepoint released). */
        void written(DecodedBatch part, List<RecordOutcome> outcomes) throws E;

        /**
         * A part failed and was rolled back to its savepoint: whether to write it again unchanged (after waiting,
         * e.g. for a parent row), {@code attempt} counting from 1. Otherwise it is split.
         */
        boolean again(SQLException failure, int attempt) throws E, InterruptedException;

        /** A part is about to be split in two. */
        void splitting();

        /** The row at batch index {@code index} is refused for good; {@code depth} is how many splits it took. */
        void refused(int index, SQLException failure, int depth) throws E;
    }

    /** Writes {@code part} or, where it fails in a way {@code parts} splits on, its halves, recursively. */
    public static <E extends Exception> void isolate(Transaction transaction, DecodedBatch part, Parts<E> parts)
            throws SQLException, E, InterruptedException {
        isolate(transaction, part, parts, 0);
    }

    private static <E extends Exception> void isolate(
            Transaction transaction, DecodedBatch part, Parts<E> parts, int depth)
            throws SQLException, E, InterruptedException {
        List<Integer> indexes = part.rowIndexes();
        if (indexes.isEmpty()) {
            return;
        }
        SQLException failure;
        for (int attempt = 1; ; attempt++) {
            failure = writeUnderSavepoint(transaction, part, parts);
            if (failure == null) {
                return;
            }
            if (!parts.again(failure, attempt)) {
                break;
            }
        }
        if (indexes.size() == 1) {
            parts.refused(indexes.get(0), failure, depth);
            return;
        }
        int middle = indexes.size() / 2;
        parts.splitting();
        isolate(transaction, part.slice(0, middle), parts, depth + 1);
        isolate(transaction, part.slice(middle, indexes.size()), parts, depth + 1);
    }

    /** Null when written; the failure, rolled back to the savepoint, when the caller splits on it. */
    private static <E extends Exception> SQLException writeUnderSavepoint(
            Transaction transaction, DecodedBatch part, Parts<E> parts) throws SQLException, E {
        Transaction.Mark mark = transaction.mark();
        List<RecordOutcome> outcomes;
        try {
            outcomes = parts.write(part);
            transaction.release(mark);
        } catch (SQLException e) {
            if (!parts.splits(e)) {
                throw e;
            }
            transaction.rollbackTo(mark);
            return e;
        }
        parts.written(part, outcomes);
        return null;
    }
}
