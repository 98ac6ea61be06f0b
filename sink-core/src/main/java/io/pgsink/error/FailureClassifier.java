package io.pgsink.error;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Classifies a failure once, by PostgreSQL SQLSTATE, into a {@link FailureKind}. Walks the cause chain and, for a
 * {@link BatchUpdateException}, {@link SQLException#getNextException()}, since pgjdbc hides the real error there.
 * Anything not recognised is fatal: retrying an unknown error forever, or dead-lettering it, is worse than
 * stopping and telling an operator.
 *
 * <p>The static methods apply pgsink's own table; an instance made by {@link #withOverrides} applies an
 * operator's {@code error.sqlstate.<code>} overrides first.
 */
public final class FailureClassifier {

    /** The shape of a SQLSTATE: five digits or upper-case letters. */
    public static final Pattern SQLSTATE = Pattern.compile("[0-9A-Z]{5}");

    private static final FailureClassifier DEFAULTS = new FailureClassifier(Map.of());

    private final Map<String, FailureKind> overrides;

    private FailureClassifier(Map<String, FailureKind> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    /** pgsink's own classification, without overrides. */
    public static FailureClassifier defaults() {
        return DEFAULTS;
    }

    /**
     * A classifier that classes the given SQLSTATEs as told and everything else as {@link #classify(Throwable)}.
     *
     * @param overrides SQLSTATE (five characters) to kind name ({@code transient}, {@code poison}, {@code fatal})
     * @throws IllegalArgumentException when a code or kind is malformed (config validation reports these first)
     */
    public static FailureClassifier withOverrides(Map<String, String> overrides) {
        Map<String, FailureKind> kinds = new HashMap<>();
        overrides.forEach((state, kind) -> {
            if (!SQLSTATE.matcher(state).matches()) {
                throw new IllegalArgumentException("not a SQLSTATE: " + state);
            }
            kinds.put(state, FailureKind.valueOf(kind.toUpperCase(Locale.ROOT)));
        });
        return kinds.isEmpty() ? DEFAULTS : new FailureClassifier(kinds);
    }

    /** {@link #classify(Throwable)}, with this instance's overrides applied to the failure's SQLSTATE. */
    public FailureKind kindOf(Throwable failure) {
        String state = sqlState(failure);
        FailureKind overridden = state == null ? null : overrides.get(state);
        return overridden != null ? overridden : classify(failure);
    }

    /** {@link #classify(String)}, with this instance's overrides applied. */
    public FailureKind kindOf(String state) {
        return overrides.getOrDefault(state, classify(state));
    }

    public static FailureKind classify(Throwable failure) {
        String state = sqlState(failure);
        if (isPoolTimeout(failure)) {
            // No connection could be had: whatever the server said (shutting down, not accepting connections,
            // too many clients), retrying is right, unless it rejected the credentials.
            return state != null && state.startsWith("28") ? FailureKind.FATAL : FailureKind.TRANSIENT;
        }
        return state == null ? FailureKind.FATAL : classify(state);
    }

    /** Maps a five-character SQLSTATE to its kind (see the failure table in the docs). */
    public static FailureKind classify(String state) {
        if (state.startsWith("08") || state.startsWith("53")) {
            return FailureKind.TRANSIENT;
        }
        switch (state) {
            case "40001":
            case "40P01":
            case "57P01":
            case "57P02":
            case "57P03":
            case "57014":
            case "55P03":
            case "25006":
                return FailureKind.TRANSIENT;
            default:
                break;
        }
        // 54000: a value too large for a btree index row; P0001: a trigger's RAISE EXCEPTION. Both are about the
        // values of one row, so they are the record's problem, not the pipeline's.
        if (state.equals("54000") || state.equals("P0001")) {
            return FailureKind.POISON;
        }
        // 21000: an upsert met the same key twice in one statement (keys equal only to the database, e.g. 1.0
        // and 1); splitting the batch, as for poison, writes them in separate statements, in order.
        if (state.startsWith("22") || state.startsWith("23") || state.equals("21000")) {
            return FailureKind.POISON;
        }
        return FailureKind.FATAL;
    }

    /** The most specific SQLSTATE in the chain: the deepest next-exception or cause that carries one. */
    public static String sqlState(Throwable failure) {
        String found = null;
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = failure; t != null && seen.add(t); t = next(t)) {
            if (t instanceof SQLException && ((SQLException) t).getSQLState() != null) {
                found = ((SQLException) t).getSQLState();
            }
        }
        return found;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof SQLException && ((SQLException) t).getNextException() != null) {
            return ((SQLException) t).getNextException();
        }
        return t.getCause();
    }

    private static boolean isPoolTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
        }
        return false;
    }
}
