package io.pgsink.pg;

import io.pgsink.model.TableRef;
import io.pgsink.schema.SchemaException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The text of the DDL statements schema evolution runs. Pure. Every identifier is quoted; types come from a
 * record's schema or the operator's declaration ({@link ColumnDefinition} admits type names only); values never
 * appear. Both statements are idempotent ({@code IF NOT EXISTS}), since two workers may meet the same missing
 * table or column at once, and neither drops, narrows or changes what exists.
 */
final class TableDdl {

    private TableDdl() {}

    /**
     * {@code CREATE TABLE IF NOT EXISTS} with the columns in order and, when {@code key} is not empty, a primary key
     * on it (upserts and deletes by key need one); key columns are {@code NOT NULL}, every other column nullable.
     *
     * @throws SchemaException when there are no columns, a column is named twice, or a key column is not among them
     */
    static String createTable(TableRef table, List<ColumnDefinition> columns, List<String> key) {
        if (columns.isEmpty()) {
            throw new SchemaException("table " + table + " cannot be created without columns");
        }
        Set<String> names = new LinkedHashSet<>();
        for (ColumnDefinition column : columns) {
            if (!names.add(column.name())) {
                throw new SchemaException("column \"" + column.name() + "\" is named twice for table " + table);
            }
        }
        for (String name : key) {
            if (!names.contains(name)) {
                throw new SchemaException("key column \"" + name + "\" is not among the columns " + names + " of table "
                        + table + " to create");
            }
        }
        List<String> parts = new ArrayList<>();
        for (ColumnDefinition column : columns) {
            boolean isKey = key.contains(column.name());
            parts.add(definition(isKey ? column.asKey() : column));
        }
        if (!key.isEmpty()) {
            parts.add("PRIMARY KEY (" + key.stream().map(TableRef::quote).collect(Collectors.joining(", ")) + ")");
        }
        return "CREATE TABLE IF NOT EXISTS " + table.quoted() + " (" + String.join(", ", parts) + ")";
    }

    /** {@code ALTER TABLE ... ADD COLUMN IF NOT EXISTS}: nullable, no default, so no existing row is rewritten. */
    static String addColumn(TableRef table, ColumnDefinition column) {
        return "ALTER TABLE " + table.quoted() + " ADD COLUMN IF NOT EXISTS "
                + definition(new ColumnDefinition(column.name(), column.type(), false));
    }

    private static String definition(ColumnDefinition column) {
        return TableRef.quote(column.name()) + " " + column.type() + (column.notNull() ? " NOT NULL" : "");
    }
}
