package io.pgsink.pg;

import io.pgsink.model.TableRef;
import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;
import io.pgsink.schema.SchemaException;
import io.pgsink.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads a table's shape from the PostgreSQL catalog. */
final class Catalog {

    private static final String COLUMNS_SQL =
            "SELECT a.attname, t.typname, t.typcategory, et.typname, a.attnotnull, format_type(a.atttypid, a.atttypmod),"
                    + " a.attidentity = 'a'"
                    + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                    + " LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'"
                    + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped"
                    // A generated column takes no value: it is not a column records can write.
                    + " AND a.attgenerated = '' ORDER BY a.attnum";
    private static final String PRIMARY_KEY_SQL =
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                    + " WHERE i.indrelid = to_regclass(?) AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)";

    private Catalog() {}

    /** Reads the table's columns and primary key; fails with a clear message when the table does not exist. */
    static TableSchema load(Connection connection, TableRef table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS_SQL)) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(column(rs, columns.size()));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new SchemaException("table " + table + " does not exist or has no columns visible to this user:"
                    + " create it or fix the 'table' setting");
        }
        List<String> primaryKey = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(PRIMARY_KEY_SQL)) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    primaryKey.add(rs.getString(1));
                }
            }
        }
        return new TableSchema(table, columns, primaryKey);
    }

    private static Column column(ResultSet rs, int index) throws SQLException {
        String name = rs.getString(1);
        ColumnType type = ColumnType.fromCatalog(rs.getString(2), rs.getString(3));
        Column element = null;
        if (type == ColumnType.ARRAY) {
            String elementType = rs.getString(4);
            element = new Column(name, index, ColumnType.fromCatalog(elementType, ""), null, elementType, false);
        }
        return new Column(name, index, type, element, rs.getString(6), rs.getBoolean(5), rs.getBoolean(7));
    }
}
