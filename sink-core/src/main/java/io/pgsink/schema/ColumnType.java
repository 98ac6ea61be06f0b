package io.pgsink.schema;

import java.util.Locale;

/** How pgsink converts a JSON value for a column, chosen from the column's PostgreSQL type name. */
public enum ColumnType {
    TEXT,
    SMALLINT,
    INTEGER,
    BIGINT,
    NUMERIC,
    REAL,
    DOUBLE,
    BOOLEAN,
    TIMESTAMPTZ,
    TIMESTAMP,
    DATE,
    UUID,
    JSON,
    JSONB,
    BYTEA,
    ARRAY,
    OTHER;

    /** Maps a {@code pg_type.typname} (and its category, 'A' for arrays) to a conversion. */
    public static ColumnType fromCatalog(String typname, String category) {
        if ("A".equals(category)) {
            return ARRAY;
        }
        switch (typname.toLowerCase(Locale.ROOT)) {
            case "text":
            case "varchar":
            case "bpchar":
            case "name":
            case "citext":
                return TEXT;
            case "int2":
                return SMALLINT;
            case "int4":
                return INTEGER;
            case "int8":
                return BIGINT;
            case "numeric":
                return NUMERIC;
            case "float4":
                return REAL;
            case "float8":
                return DOUBLE;
            case "bool":
                return BOOLEAN;
            case "timestamptz":
                return TIMESTAMPTZ;
            case "timestamp":
                return TIMESTAMP;
            case "date":
                return DATE;
            case "uuid":
                return UUID;
            case "json":
                return JSON;
            case "jsonb":
                return JSONB;
            case "bytea":
                return BYTEA;
            default:
                return OTHER;
        }
    }
}
