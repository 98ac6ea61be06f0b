package io.pgsink.write;

import io.pgsink.deadletter.Rejection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Tells schema drift from bad records, across batches: a batch holds one record at a trickle and thousands under
 * load, so no rule about one batch can. Drift is {@code limit} rejections in a row, in the order the records were
 * read, with the same SQLSTATE and the same column (or constraint, when the server names no column), and no record
 * of the table written in between. Bad data rarely looks like that; a dropped default, a new CHECK or a renamed
 * column always does.
 *
 * <p>Not counted, and not breaking a run either: duplicate keys (23505; every record replayed after a crash in insert
 * mode is one) and records that failed decoding without naming a column (tombstones, non-objects, invalid JSON),
 * which say nothing about the table. Pure: no I/O, time from the injected clock. One per writer lane, used on the
 * lane's thread.
 */
final class DriftDetector {

    private static final String DUPLICATE_KEY = "23505";

    private final String table;
    private final int limit;
    private final Clock clock;
    private Object runKey;
    private int run;
    private Instant runStart;

    /**
     * @param table the target table, for the message
     * @param limit rejections in a row that make drift; 0 turns detection off
     */
    DriftDetector(String table, int limit, Clock clock) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        this.table = table;
        this.limit = limit;
        this.clock = clock;
    }

    /** A detector in the same state, for a trial run that must not change this one. */
    DriftDetector copy() {
        DriftDetector copy = new DriftDetector(table, limit, clock);
        copy.runKey = runKey;
        copy.run = run;
        copy.runStart = runStart;
        return copy;
    }

    /** A record of the table was written: whatever was rejected before it was not the table's fault. */
    void written() {
        run = 0;
        runKey = null;
    }

    /**
     * A record was rejected. Returns the operator's message when this rejection makes {@code limit} in a row; the
     * caller must then stop before dead-lettering it, so the dead-letter topic holds fewer than {@code limit} of
     * the run.
     */
    Optional<String> rejected(Rejection rejection) {
        if (limit == 0 || !counts(rejection)) {
            return Optional.empty();
        }
        Key key = new Key(rejection.sqlState(), place(rejection));
        if (!key.equals(runKey)) {
            runKey = key;
            run = 0;
            runStart = clock.instant();
        }
        run++;
        return run >= limit ? Optional.of(message(rejection)) : Optional.empty();
    }

    private static boolean counts(Rejection r) {
        if (DUPLICATE_KEY.equals(r.sqlState())) {
            return false;
        }
        return r.sqlState() != null || r.column() != null;
    }

    private static String place(Rejection r) {
        return r.column() != null ? r.column() : r.constraint();
    }

    private String message(Rejection r) {
        String where = r.column() != null
                ? "column \"" + r.column() + "\""
                : r.constraint() != null ? "constraint \"" + r.constraint() + "\"" : "no column named";
        String state = r.sqlState() == null ? "a decoding failure" : "SQLSTATE " + r.sqlState();
        long seconds = Duration.between(runStart, clock.instant()).toSeconds();
        return limit + " records in a row were rejected with " + state + " on " + where + " of table " + table
                + " over " + seconds + " s, and none was written in between (last: " + r.reason() + "): this"
                + " looks like the table changed (a dropped default, a new NOT NULL or CHECK constraint, a changed"
                + " type), not like bad data. The last of them was not dead-lettered and its offsets are not"
                + " committed. Fix the table or the producer (" + advice(r) + ") and restart the worker; raise"
                + " error.drift.consecutive.rejections if such runs are expected";
    }

    private static String advice(Rejection r) {
        String state = r.sqlState() == null ? "" : r.sqlState();
        switch (state) {
            case "23502":
                return "restore the column's default, or make the producer send the column";
            case "23514":
                return "relax the CHECK constraint, or make the producer send values it accepts";
            case "23503":
                return "make sure parent rows are written first";
            default:
                return state.startsWith("22")
                        ? "change the column's type to fit the values, or fix the producer"
                        : "see the dead-lettered records' error headers";
        }
    }

    private record Key(String sqlState, String place) {}
}
