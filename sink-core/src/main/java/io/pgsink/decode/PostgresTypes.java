package io.pgsink.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The PostgreSQL type that holds every value of a Connect or Debezium field exactly, for creating a missing table
 * or adding a missing column: {@code int32} is {@code integer}, a Decimal with its precision is
 * {@code numeric(p,s)}, Debezium's MicroTimestamp is {@code timestamp}, its ZonedTimestamp {@code timestamptz}, an
 * array of strings {@code text[]}, a struct or map {@code jsonb}.
 */
final class PostgresTypes {

    /** PostgreSQL's largest numeric precision. */
    private static final int MAX_PRECISION = 1000;

    private PostgresTypes() {}

    /** The struct's fields that {@code keep} accepts, in order, with their types. */
    static List<Change.Field> fields(ConnectSchema struct, Predicate<String> keep) {
        List<Change.Field> fields = new ArrayList<>(struct.fields().size());
        for (ConnectSchema.Field field : struct.fields()) {
            if (keep.test(field.name())) {
                fields.add(new Change.Field(
                        field.name(), of(field.schema()), field.schema().optional()));
            }
        }
        return fields;
    }

    static String of(ConnectSchema schema) {
        String logical = schema.name() == null ? null : logical(schema);
        if (logical != null) {
            return logical;
        }
        return switch (schema.type()) {
            case "int8", "int16" -> "smallint";
            case "int32" -> "integer";
            case "int64" -> "bigint";
            case "float", "float32" -> "real";
            case "double", "float64" -> "double precision";
            case "boolean" -> "boolean";
            case "bytes" -> "bytea";
            case "array" -> array(schema);
            case "map", "struct" -> "jsonb";
            default -> "text";
        };
    }

    private static String logical(ConnectSchema schema) {
        return switch (schema.name()) {
            case LogicalValues.DECIMAL -> decimal(schema);
            case LogicalValues.VARIABLE_SCALE_DECIMAL -> "numeric";
            case "org.apache.kafka.connect.data.Date", "io.debezium.time.Date", "io.debezium.time.IsoDate" -> "date";
            case "org.apache.kafka.connect.data.Time",
                    "io.debezium.time.Time",
                    "io.debezium.time.MicroTime",
                    "io.debezium.time.NanoTime",
                    "io.debezium.time.IsoTime" -> "time";
            case "io.debezium.time.ZonedTime" -> "timetz";
            case "org.apache.kafka.connect.data.Timestamp",
                    "io.debezium.time.Timestamp",
                    "io.debezium.time.MicroTimestamp",
                    "io.debezium.time.NanoTimestamp" -> "timestamp";
            case "io.debezium.time.ZonedTimestamp", "io.debezium.time.IsoTimestamp" -> "timestamptz";
            case "io.debezium.time.Interval", "io.debezium.time.MicroDuration", "io.debezium.time.NanoDuration" ->
                "interval";
            case "io.debezium.data.Json" -> "jsonb";
            case "io.debezium.data.Uuid" -> "uuid";
            case "io.debezium.data.Xml" -> "xml";
            case "io.debezium.data.Bits" -> bits(schema);
            default -> null;
        };
    }

    /** {@code numeric(p,s)} when the schema gives a precision PostgreSQL accepts with the scale, else numeric. */
    private static String decimal(ConnectSchema schema) {
        Integer precision = integer(schema.parameters().get("connect.decimal.precision"));
        Integer scale = integer(schema.parameters().get("scale"));
        if (precision == null
                || scale == null
                || precision < 1
                || precision > MAX_PRECISION
                || scale < 0
                || scale > precision) {
            return "numeric";
        }
        return "numeric(" + precision + "," + scale + ")";
    }

    private static String bits(ConnectSchema schema) {
        Integer length = integer(schema.parameters().get("length"));
        return length == null || length < 1 ? "bit varying" : "bit(" + length + ")";
    }

    /** Arrays of arrays are one PostgreSQL array type ({@code integer[]} holds any dimension). */
    private static String array(ConnectSchema schema) {
        if (schema.items() == null) {
            return "jsonb";
        }
        String element = of(schema.items());
        return element.endsWith("[]") ? element : element + "[]";
    }

    private static Integer integer(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Integer.valueOf(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
