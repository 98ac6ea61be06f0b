package io.pgsink.write;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Maps a JSON object's top-level fields to the table's columns of the same name. Schemaless: the table's catalog
 * types drive conversion, the record needs no schema of its own. Thread safe.
 */
final class RowDecoder {

    // Exact decimals: numeric columns must not pass through a double.
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private final TableSchema schema;
    private final List<Column> requiredColumns;
    private final boolean rejectUnknownFields;

    /**
     * @param requiredColumns columns every record must set to a non-null value (the conflict key in upsert mode)
     */
    RowDecoder(TableSchema schema, List<Column> requiredColumns, boolean rejectUnknownFields) {
        this.schema = schema;
        this.requiredColumns = List.copyOf(requiredColumns);
        this.rejectUnknownFields = rejectUnknownFields;
    }

    Row decode(int index, byte[] value) throws DecodeException {
        JsonNode root = parse(value);
        String[] values = new String[schema.columns().size()];
        BitSet present = new BitSet(values.length);
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            Column column = schema.column(field.getKey()).orElse(null);
            if (column == null) {
                if (rejectUnknownFields) {
                    throw new DecodeException(null, "field \"" + field.getKey() + "\" has no column in table "
                        + schema.table() + " (input.unknown.fields=reject)");
                }
                continue;
            }
            values[column.index()] = ValueFormatter.format(field.getValue(), column);
            present.set(column.index());
        }
        if (present.isEmpty()) {
            throw new DecodeException(null, "record sets no column of table " + schema.table());
        }
        for (Column key : requiredColumns) {
            if (values[key.index()] == null) {
                throw new DecodeException(key.name(), "key column \"" + key.name() + "\" is missing or null");
            }
        }
        return new Row(index, present, values);
    }

    private static JsonNode parse(byte[] value) throws DecodeException {
        if (value == null) {
            throw new DecodeException(null, "record has no value (a tombstone); pgsink does not delete rows");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            throw new DecodeException(null, "record value is not valid JSON" + where(e));
        } catch (IOException e) {
            throw new DecodeException(null, "record value could not be read as JSON");
        }
        if (root == null || !root.isObject()) {
            throw new DecodeException(null, "record value is not a JSON object");
        }
        return root;
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null ? ""
            : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
