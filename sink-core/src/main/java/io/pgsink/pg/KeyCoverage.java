package io.pgsink.pg;

import io.pgsink.model.TableRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Whether a table's unique indexes make a set of key columns identify one row: what upserts, updates and deletes
 * by key rely on. Checked at start, so a key that does not fit fails there, naming the route and table, rather
 * than at the first write.
 */
final class KeyCoverage {

    // The key columns of every valid, non-partial, column-only unique index (the primary key included).
    private static final String SQL = "WITH key AS (SELECT ?::text[] AS columns)"
            + " SELECT EXISTS (SELECT 1 FROM pg_index i CROSS JOIN key CROSS JOIN LATERAL"
            + "   (SELECT array_agg(a.attname::text) AS columns"
            + "    FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)"
            + "    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum WHERE k.n <= i.indnkeyatts) idx"
            + "  WHERE i.indrelid = to_regclass(?) AND i.indisunique AND i.indisvalid AND i.indpred IS NULL"
            + "   AND i.indexprs IS NULL AND idx.columns <@ key.columns AND (NOT ? OR idx.columns @> key.columns))";

    private KeyCoverage() {}

    /**
     * True when a unique index covers {@code keys}: on exactly those columns when {@code exact} (what
     * {@code ON CONFLICT (keys)} needs to find its arbiter), or on some of them otherwise (enough for an update
     * or a delete to touch one row).
     */
    static boolean covered(Connection connection, TableRef table, List<String> keys, boolean exact)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SQL)) {
            ps.setArray(1, connection.createArrayOf("text", keys.toArray()));
            ps.setString(2, table.quoted());
            ps.setBoolean(3, exact);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
