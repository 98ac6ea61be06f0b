package io.pgsink.schema;

/**
 * A table column as read from the catalog.
 *
 * @param element for arrays, the element's conversion; otherwise {@code null}
 * @param sqlType the type as PostgreSQL spells it ({@code format_type}), for messages
 */
public record Column(String name, int index, ColumnType type, Column element, String sqlType, boolean notNull) {}
