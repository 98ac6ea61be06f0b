package io.pgsink.config;

/** How a field name finds its column ({@code mapping.naming}). */
public enum NamingConvention {
    /** The column of exactly the field's name. */
    EXACT,
    /** {@code camelCase} and {@code PascalCase} field names to {@code snake_case} columns ({@code orderId} to {@code order_id}). */
    SNAKE_CASE
}
