package io.pgsink.model;

import java.util.Objects;

/**
 * A PostgreSQL table name, optionally schema qualified. Names are taken literally (case preserved) and always
 * quoted in SQL, so {@code Events} and {@code events} are different tables, as they are in PostgreSQL when quoted.
 */
public record TableRef(String schema, String name) {

    public TableRef {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("table name is blank");
        }
    }

    /** Parses {@code name} or {@code schema.name}; the schema defaults to {@code public}. */
    public static TableRef parse(String qualified) {
        int dot = qualified.indexOf('.');
        if (dot < 0) {
            return new TableRef("public", qualified.trim());
        }
        return new TableRef(
                qualified.substring(0, dot).trim(), qualified.substring(dot + 1).trim());
    }

    /** The quoted, schema-qualified name, safe to splice into SQL. */
    public String quoted() {
        return quote(schema) + "." + quote(name);
    }

    /** Quotes one identifier, doubling embedded quotes, so no identifier can break out of its quotes. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
