package io.pgsink.tools.examples;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The migration example's tables: the source it fills once, the target and the publisher's checkpoint. */
final class MigrationTables {

    static final String TABLE = "orders";
    static final String CHECKPOINT = "migration_checkpoint";

    static final String DDL = "CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, customer_id integer NOT NULL,"
            + " status text NOT NULL, amount numeric(12,2) NOT NULL, created_at timestamptz NOT NULL,"
            + " shipped_at timestamptz, note text, attrs jsonb NOT NULL)";

    /**
     * Deterministic rows from their id alone, so that every run of the example migrates the same table: nulls, a
     * quote, a comma and a non-ASCII character in the text, fractional amounts, jsonb with nesting.
     */
    static final String FILL = "INSERT INTO " + TABLE + " SELECT g, 1 + (g * 7919) % 50000,"
            + " (ARRAY['new','paid','shipped','cancelled'])[1 + g % 4], ((g * 37) % 100000) / 100.0,"
            + " timestamptz '2025-01-01 00:00:00+00' + g * interval '17.25 seconds',"
            + " CASE WHEN g % 4 = 2 THEN timestamptz '2025-01-03 00:00:00+00' + g * interval '17.25 seconds' END,"
            + " CASE WHEN g % 10 = 0 THEN 'gift, \"wrapped\" \u2713' END,"
            + " jsonb_build_object('channel', (ARRAY['web','app','store'])[1 + g % 3], 'items', 1 + g % 5,"
            + " 'tags', jsonb_build_array('t' || g % 7))"
            + " FROM generate_series(1, ?) g";

    static final String CHECKPOINT_DDL = "CREATE TABLE IF NOT EXISTS " + CHECKPOINT
            + " (source_table text PRIMARY KEY, last_id bigint NOT NULL, rows_published bigint NOT NULL,"
            + " updated_at timestamptz NOT NULL DEFAULT now())";

    private MigrationTables() {}

    static boolean exists(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Creates and fills the source table in one transaction, so that a kill here leaves no half-filled table. */
    static void createSource(Connection c, long rows) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement();
                var fill = c.prepareStatement(FILL)) {
            st.execute(DDL);
            fill.setLong(1, rows);
            fill.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    static void createTarget(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (!exists(c, TABLE)) {
                st.execute(DDL);
            }
            st.execute(CHECKPOINT_DDL);
        }
    }
}
