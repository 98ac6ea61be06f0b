package io.pgsink.pg;

import io.pgsink.config.WriteMethod;

/**
 * What the database did with one record of a batch.
 *
 * @param index the record's position in its batch
 * @param rowsAffected rows inserted or updated: 0 when an upsert found nothing to change, or when pgjdbc's
 *     rewritten batches report no count. {@link WriteMethod#COPY} counts rows per COPY, not per record, so it
 *     reports 1 for every record it wrote. A record superseded within its batch by a later version of its key
 *     (last write wins) reports 0.
 */
public record RecordOutcome(int index, int rowsAffected) {}
