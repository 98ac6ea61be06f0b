package io.pgsink.pg;

import io.pgsink.decode.DecodedBatch;

/**
 * The statements that COPY one column set's rows into the table.
 *
 * @param copy the {@code COPY ... FROM STDIN}: into the table itself, or into the staging table in upsert mode
 * @param createStage in upsert mode, creates the session's staging table for this column set; otherwise null
 * @param mergeStage in upsert mode, the {@code INSERT ... SELECT ... ON CONFLICT} from the staging table into the
 *     table; otherwise null
 * @param clearStage in upsert mode, empties the staging table after a merge, so that the next generation of the
 *     same batch (see {@link DecodedBatch#generations}) merges only its own rows; otherwise null
 * @param copyDirect in upsert mode, the {@code COPY} straight into the table, for rows whose keys are all new;
 *     otherwise null
 */
record CopySql(String copy, String createStage, String mergeStage, String clearStage, String copyDirect) {

    /** Whether rows go through a staging table (upsert mode) rather than straight into the table. */
    boolean staged() {
        return mergeStage != null;
    }
}
