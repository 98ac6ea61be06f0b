package io.pgsink.pg;

import io.pgsink.config.WriteMethod;

/**
 * What the database did with one record of a batch.
 *
 * @param index the record's position in its batch
 * @param rowsAffected rows inserted, updated or deleted: 0 when an upsert found nothing to change, an update or
 *     delete no row with its key, or when pgjdbc's rewritten batches report no count. {@link WriteMethod#COPY}
 *     counts rows per COPY, not per record, so it reports 1 for every record it wrote or deleted (an update
 *     reports 0 for a row it did not find). A record left out within its batch because a later record of its key
 *     made it pointless (last write wins) reports 0.
 * @param rowMissing in update mode, whether the record's row did not exist, so nothing was updated (for a record
 *     left out in favour of a later version of its key, whether that version's row did not exist)
 */
public record RecordOutcome(int index, int rowsAffected, boolean rowMissing) {

    /** An outcome of a record whose row was there to write, or that needed none. */
    public RecordOutcome(int index, int rowsAffected) {
        this(index, rowsAffected, false);
    }
}
