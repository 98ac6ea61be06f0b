package io.pgsink.write;

import io.pgsink.config.MissingRowPolicy;
import io.pgsink.deadletter.Rejection;
import io.pgsink.error.FailureKind;
import io.pgsink.model.SinkRecord;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What update mode does with records whose row did not exist, by the table's {@link MissingRowPolicy}: skip them
 * (counted, one WARN line per batch with their coordinates) or dead-letter them. ({@link MissingRowPolicy#INSERT}
 * never gets here: its writes are upserts.) A missing row is neither a failure of the table nor of the database, so
 * it never counts towards schema drift and never stops the lane.
 */
final class MissingRows {

    /** The dead letter's {@code exception} header for a record whose row did not exist: no exception was thrown. */
    static final String LABEL = "missing-row";

    private static final Logger LOG = LoggerFactory.getLogger(MissingRows.class);
    private static final int COORDINATES_LOGGED = 10;

    private final MissingRowPolicy policy;
    private final String table;

    MissingRows(MissingRowPolicy policy, String table) {
        this.policy = policy;
        this.table = table;
    }

    /** The records to dead-letter: all of them under {@link MissingRowPolicy#DEAD_LETTER}, else none. */
    List<Rejection> rejections(List<SinkRecord> records) {
        if (policy != MissingRowPolicy.DEAD_LETTER) {
            return List.of();
        }
        return records.stream().map(this::rejection).toList();
    }

    private Rejection rejection(SinkRecord record) {
        return new Rejection(
                record,
                FailureKind.POISON,
                null,
                "no row with this key in table " + table + ": write.mode=update updates existing rows only"
                        + " (update.missing=dead-letter)",
                LABEL,
                table,
                null,
                null,
                1);
    }

    /** After the batch committed: logs the records skipped (under {@link MissingRowPolicy#SKIP}) and counts them. */
    void committed(List<SinkRecord> records, WriteListener listener) {
        if (policy != MissingRowPolicy.SKIP || records.isEmpty()) {
            return;
        }
        listener.rowsMissing(records.size());
        LOG.warn(
                "skipped {} record(s) with no row to update in table {} (write.mode=update, update.missing=skip): {}{}",
                records.size(),
                table,
                records.stream()
                        .limit(COORDINATES_LOGGED)
                        .map(SinkRecord::coordinates)
                        .collect(Collectors.joining(", ")),
                records.size() > COORDINATES_LOGGED ? ", ..." : "");
    }
}
