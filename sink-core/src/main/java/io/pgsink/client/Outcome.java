package io.pgsink.client;

/**
 * What became of one operation of a batch, as if it had run on its own.
 *
 * @param index the operation's position in its batch, from 0
 * @param rowsAffected rows inserted, updated or deleted: 0 for an update or delete that found no row
 * @param failure why it failed, or {@code null} when it was written
 */
public record Outcome(int index, OperationKind kind, String table, int rowsAffected, Failure failure) {

    /** Whether the operation was written (its transaction committed). */
    public boolean ok() {
        return failure == null;
    }
}
