package io.pgsink.schema;

/**
 * A table column as read from the catalog. Generated (stored) columns are not columns here: nothing can be
 * written into them, so the catalog leaves them out and a record field naming one is an unknown field.
 *
 * @param element for arrays, the element's conversion; otherwise {@code null}
 * @param sqlType the type as PostgreSQL spells it ({@code format_type}), for messages
 * @param identityAlways whether the column is {@code GENERATED ALWAYS AS IDENTITY}: PostgreSQL refuses a value
 *     for it (unless {@code OVERRIDING SYSTEM VALUE}), so a record that sets it is rejected
 */
public record Column(
        String name,
        int index,
        ColumnType type,
        Column element,
        String sqlType,
        boolean notNull,
        boolean identityAlways) {

    /** A column that is not a GENERATED ALWAYS identity. */
    public Column(String name, int index, ColumnType type, Column element, String sqlType, boolean notNull) {
        this(name, index, type, element, sqlType, notNull, false);
    }
}
