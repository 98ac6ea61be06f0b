package io.pgsink.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The field names of a {@link Change}'s key: the columns of a primary key for a table created from its schema. */
public final class KeyFields {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private KeyFields() {}

    /** The key's field names in order; empty when the change has no key or the key is not a JSON object. */
    public static List<String> of(Change change) {
        if (change.key() == null) {
            return List.of();
        }
        JsonNode key;
        try {
            key = MAPPER.readTree(change.key());
        } catch (IOException e) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        if (key != null && key.isObject()) {
            key.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }
}
