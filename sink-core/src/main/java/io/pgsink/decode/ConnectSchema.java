package io.pgsink.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kafka Connect schema as {@code JsonConverter} writes it with {@code schemas.enable=true}: a type ({@code int32},
 * {@code float}, {@code struct}, ...), an optional logical name ({@code org.apache.kafka.connect.data.Decimal},
 * {@code io.debezium.time.MicroTimestamp}, ...) with its parameters, and the schemas of a struct's fields, an array's
 * items or a map's keys and values.
 */
record ConnectSchema(
        String type,
        String name,
        boolean optional,
        Map<String, String> parameters,
        List<Field> fields,
        ConnectSchema items,
        ConnectSchema keys,
        ConnectSchema values) {

    /** One field of a struct. */
    record Field(String name, ConnectSchema schema) {}

    ConnectSchema {
        parameters = Map.copyOf(parameters);
        fields = List.copyOf(fields);
    }

    /**
     * The schema {@code node} describes.
     *
     * @param path where the schema is, for messages ("value", "field amount")
     */
    static ConnectSchema parse(JsonNode node, String path) throws DecodeException {
        if (node == null || !node.isObject()) {
            throw invalid(path, "is not a JSON object");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw invalid(path, "has no \"type\"");
        }
        JsonNode name = node.get("name");
        return new ConnectSchema(
                type.textValue(),
                name != null && name.isTextual() ? name.textValue() : null,
                node.path("optional").asBoolean(false),
                parameters(node.get("parameters")),
                fields(node.get("fields"), path),
                child(node, "items", path),
                child(node, "keys", path),
                child(node, "values", path));
    }

    boolean isStruct() {
        return type.equals("struct");
    }

    /** The schema of the struct field {@code fieldName}, or {@code null}. */
    ConnectSchema field(String fieldName) {
        for (Field field : fields) {
            if (field.name().equals(fieldName)) {
                return field.schema();
            }
        }
        return null;
    }

    /** The schema's type as messages name it: the logical name when it has one. */
    String describe() {
        return name != null ? name : type;
    }

    private static Map<String, String> parameters(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        Map<String, String> parameters = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (entry.getValue().isValueNode() && !entry.getValue().isNull()) {
                parameters.put(entry.getKey(), entry.getValue().asText());
            }
        }
        return parameters;
    }

    private static List<Field> fields(JsonNode node, String path) throws DecodeException {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(path, "has \"fields\" that are not an array");
        }
        List<Field> fields = new ArrayList<>(node.size());
        for (JsonNode field : node) {
            JsonNode name = field.get("field");
            if (name == null || !name.isTextual()) {
                throw invalid(path, "has a field without a \"field\" name");
            }
            fields.add(new Field(name.textValue(), parse(field, "field " + name.textValue())));
        }
        return fields;
    }

    private static ConnectSchema child(JsonNode node, String key, String path) throws DecodeException {
        JsonNode child = node.get(key);
        return child == null || child.isNull() ? null : parse(child, path + " " + key);
    }

    private static DecodeException invalid(String path, String problem) {
        return new DecodeException(null, "the Connect schema of the " + path + " " + problem);
    }
}
