package io.pgsink.tools.examples;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A table's row count and an order-independent checksum of its rows: the sum of a 64-bit hash of each row's text.
 * Two tables with the same columns and the same rows, in any physical order, give the same pair; a missing, extra or
 * changed row changes the sum (barring a hash collision, which a count and a 64-bit sum make very unlikely).
 */
record TableChecksum(long rows, String checksum) {

    static String query(String table) {
        return "SELECT count(*), coalesce(sum(hashtextextended(t::text, 0)), 0) FROM " + table + " t";
    }

    static TableChecksum of(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query(table))) {
            rs.next();
            return new TableChecksum(rs.getLong(1), rs.getBigDecimal(2).toPlainString());
        }
    }

    @Override
    public String toString() {
        return String.format("%,d rows, checksum %s", rows, checksum);
    }
}
