package io.pgsink.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * Debezium's stand-in for a value it did not read: a TOASTed column (a large text, bytea, array or JSON value,
 * stored out of line) that an update left unchanged, in a table without {@code REPLICA IDENTITY FULL}. Writing it
 * would replace the row's real value with the marker, so the field is left out and the column keeps its value.
 * The PostgreSQL connector spells it per type: the string itself (text, json), its bytes (bytea, as base64), a
 * one-element array of either (text[] or bytea[]), its bytes as numbers (int[] and bigint[]), a UUID made from its
 * bytes (uuid[]), or a map of it to itself (hstore).
 */
final class UnavailableValue {

    /** Debezium's default {@code unavailable.value.placeholder}. */
    static final String DEFAULT_PLACEHOLDER = "__debezium_unavailable_value";

    private final String text;
    private final String base64;
    private final String uuid;
    private final byte[] bytes;

    UnavailableValue(String placeholder) {
        this.text = placeholder;
        this.bytes = placeholder.getBytes(StandardCharsets.UTF_8);
        this.base64 = Base64.getEncoder().encodeToString(bytes);
        this.uuid = UUID.nameUUIDFromBytes(bytes).toString();
    }

    /** Whether {@code value} is the placeholder in one of its forms. */
    boolean matches(JsonNode value) {
        if (value.isTextual()) {
            return isText(value);
        }
        if (value.isArray()) {
            return value.size() == 1 && value.get(0).isTextual() && isElement(value.get(0)) || isBytes(value);
        }
        if (value.isObject() && value.size() == 1) {
            Map.Entry<String, JsonNode> entry = value.properties().iterator().next();
            return entry.getKey().equals(text) && text.equals(entry.getValue().textValue());
        }
        return false;
    }

    private boolean isText(JsonNode value) {
        String candidate = value.textValue();
        return candidate.equals(text) || candidate.equals(base64);
    }

    private boolean isElement(JsonNode value) {
        return isText(value) || value.textValue().equals(uuid);
    }

    private boolean isBytes(JsonNode array) {
        if (array.size() != bytes.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            JsonNode element = array.get(i);
            if (!element.isIntegralNumber() || element.longValue() != bytes[i]) {
                return false;
            }
        }
        return true;
    }
}
