package io.pgsink.pg;

import io.pgsink.decode.DecodedBatch;

/**
 * The statements that COPY one column set's rows into the table, or one batch step's keys to delete.
 *
 * @param copy the {@code COPY ... FROM STDIN}: into the table itself, or into the staging table
 * @param createStage when staged, creates the session's staging table for this column set; otherwise null
 * @param mergeStage when staged, the statement that applies the staging table to the table: {@code INSERT ...
 *     SELECT ... ON CONFLICT}, {@code UPDATE ... FROM ... RETURNING} or {@code DELETE ... USING}; otherwise null
 * @param clearStage when staged, empties the staging table after a merge, so that the next step of the same batch
 *     (see {@link DecodedBatch#steps}) merges only its own rows; otherwise null
 * @param copyDirect in upsert and insert-if-absent modes, the {@code COPY} straight into the table, for rows whose
 *     keys are all new; otherwise null
 * @param numbered whether each staged row starts with its batch index, which {@code mergeStage} returns for every
 *     row it updated (update mode)
 */
record CopySql(
        String copy, String createStage, String mergeStage, String clearStage, String copyDirect, boolean numbered) {

    /** Whether rows go through a staging table rather than straight into the table. */
    boolean staged() {
        return mergeStage != null;
    }
}
