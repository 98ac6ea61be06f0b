package io.pgsink.decode;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;

/**
 * Writes a Kafka Connect payload, read against its schema, as the flat JSON object of a {@link Change}: each
 * struct field becomes a field whose value the schemaless JSON rules read exactly ({@link LogicalValues}); nested
 * structs and maps become JSON objects (for json/jsonb columns), arrays stay arrays. Thread safe.
 */
final class ConnectValues {

    /** Which top-level fields of a row are left out. */
    @FunctionalInterface
    interface Skip {
        Skip NONE = (name, value) -> false;

        boolean test(String name, JsonNode value);
    }

    // A Debezium VariableScaleDecimal seen without its schema: recognised by its shape alone.
    private static final ConnectSchema VARIABLE_SCALE_DECIMAL = new ConnectSchema(
            "struct", LogicalValues.VARIABLE_SCALE_DECIMAL, true, Map.of(), java.util.List.of(), null, null, null);

    private ConnectValues() {}

    /** The struct {@code payload} as a flat JSON object, in the schema's field order. */
    static byte[] row(JsonNode payload, ConnectSchema struct, Skip skip) throws DecodeException {
        if (!payload.isObject()) {
            throw new DecodeException(null, "the record's payload is not a JSON object, as its struct schema says");
        }
        return FormatJson.write(out -> {
            out.writeStartObject();
            for (ConnectSchema.Field field : struct.fields()) {
                JsonNode value = payload.get(field.name());
                if (value != null && !skip.test(field.name(), value)) {
                    out.writeFieldName(field.name());
                    write(out, value, field.schema(), field.name());
                }
            }
            out.writeEndObject();
        });
    }

    /**
     * A payload without a schema, as it is, but for skipped fields and, where {@code debezium}, Debezium's
     * {@code {scale, value}} decimals, which only that struct shape can be (Debezium sends JSON columns as strings).
     */
    static byte[] rowWithoutSchema(JsonNode payload, Skip skip, boolean debezium) throws DecodeException {
        return FormatJson.write(out -> {
            out.writeStartObject();
            for (Map.Entry<String, JsonNode> field : payload.properties()) {
                JsonNode value = field.getValue();
                if (skip.test(field.getKey(), value)) {
                    continue;
                }
                out.writeFieldName(field.getKey());
                if (debezium && isVariableScaleDecimal(value)) {
                    LogicalValues.variableScaleDecimal(out, value, field.getKey(), VARIABLE_SCALE_DECIMAL);
                } else {
                    out.writeTree(value);
                }
            }
            out.writeEndObject();
        });
    }

    static void write(JsonGenerator out, JsonNode value, ConnectSchema schema, String field)
            throws IOException, DecodeException {
        if (value == null || value.isNull()) {
            out.writeNull();
            return;
        }
        if (schema.name() != null && LogicalValues.write(out, value, schema, field)) {
            return;
        }
        switch (schema.type()) {
            case "int8", "int16", "int32", "int64" -> {
                require(value.isIntegralNumber(), field, schema, "is not a whole number");
                out.writeTree(value);
            }
            case "float", "double", "float32", "float64" -> floating(out, value, schema, field);
            case "boolean" -> {
                require(value.isBoolean(), field, schema, "is not a boolean");
                out.writeBoolean(value.booleanValue());
            }
            case "string", "bytes" -> {
                // bytes are base64 text, which the bytea rule decodes
                require(value.isTextual(), field, schema, "is not a JSON string");
                out.writeString(value.textValue());
            }
            case "array" -> array(out, value, schema, field);
            case "map" -> map(out, value, schema, field);
            case "struct" -> struct(out, value, schema, field);
            default -> throw LogicalValues.bad(field, schema, "has a Connect type pgsink does not know");
        }
    }

    private static void floating(JsonGenerator out, JsonNode value, ConnectSchema schema, String field)
            throws IOException, DecodeException {
        if (value.isTextual()) {
            // JsonConverter writes NaN and the infinities as strings, which the float rule takes
            String text = value.textValue();
            require(
                    text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity"),
                    field,
                    schema,
                    "is not a number");
            out.writeString(text);
            return;
        }
        require(value.isNumber(), field, schema, "is not a number");
        out.writeTree(value);
    }

    private static void array(JsonGenerator out, JsonNode value, ConnectSchema schema, String field)
            throws IOException, DecodeException {
        require(value.isArray() && schema.items() != null, field, schema, "is not an array of its items' schema");
        out.writeStartArray();
        for (JsonNode element : value) {
            write(out, element, schema.items(), field);
        }
        out.writeEndArray();
    }

    /** A map with string keys is a JSON object; JsonConverter writes any other map as an array of [key, value]. */
    private static void map(JsonGenerator out, JsonNode value, ConnectSchema schema, String field)
            throws IOException, DecodeException {
        require(schema.keys() != null && schema.values() != null, field, schema, "has no key or value schema");
        if (value.isObject()) {
            out.writeStartObject();
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                out.writeFieldName(entry.getKey());
                write(out, entry.getValue(), schema.values(), field);
            }
            out.writeEndObject();
            return;
        }
        require(value.isArray(), field, schema, "is neither an object nor an array of [key, value] pairs");
        out.writeStartArray();
        for (JsonNode pair : value) {
            require(pair.isArray() && pair.size() == 2, field, schema, "has an entry that is not a [key, value] pair");
            out.writeStartArray();
            write(out, pair.get(0), schema.keys(), field);
            write(out, pair.get(1), schema.values(), field);
            out.writeEndArray();
        }
        out.writeEndArray();
    }

    private static void struct(JsonGenerator out, JsonNode value, ConnectSchema schema, String field)
            throws IOException, DecodeException {
        require(value.isObject(), field, schema, "is not a JSON object");
        out.writeStartObject();
        for (ConnectSchema.Field child : schema.fields()) {
            JsonNode childValue = value.get(child.name());
            if (childValue != null) {
                out.writeFieldName(child.name());
                write(out, childValue, child.schema(), field + "." + child.name());
            }
        }
        out.writeEndObject();
    }

    private static boolean isVariableScaleDecimal(JsonNode value) {
        return value.isObject()
                && value.size() == 2
                && value.path("scale").isIntegralNumber()
                && value.path("value").isTextual();
    }

    private static void require(boolean condition, String field, ConnectSchema schema, String problem)
            throws DecodeException {
        if (!condition) {
            throw LogicalValues.bad(field, schema, problem);
        }
    }
}
