package io.pgsink.decode;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.pgsink.config.KeySource;
import io.pgsink.config.Mapping;
import io.pgsink.config.Route;
import io.pgsink.config.WriteMode;
import io.pgsink.model.SinkRecord;
import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;
import io.pgsink.schema.TableSchema;
import java.io.IOException;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decodes records under a route's {@link Mapping} and {@link KeySource}: the general path, taken whenever the
 * mapping is not the identity or the key does not come from the value ({@link RowDecoder} keeps the plain one).
 * Values are read with the same streaming parser and the same conversions as the plain path. Thread safe.
 *
 * <p>Where key columns come from: {@link KeySource#VALUE}, the value's fields; {@link KeySource#RECORD_KEY}, the
 * record key, a JSON object whose fields find their key columns by the mapping's renames and naming convention
 * (other fields of the key are ignored, and a value field never fills a key column), or a single value (a JSON
 * string, number or boolean, or else the key's UTF-8 text as it is) for a route with exactly one key column;
 * {@link KeySource#COORDINATES}, the record's topic, partition and offset ({@link MetadataColumns}).
 */
final class RecordMapper {

    private final TableSchema schema;
    private final KeySource keySource;
    private final List<Column> keyColumns;
    private final List<Column> required;
    private final MetadataColumns metadata;
    private final ColumnMap values;
    private final ColumnMap keysInValue;
    private final ColumnMap keys;
    private final UnknownFields unknown;

    /** What to do with a value field that has no column: reject the record, or tell a listener and skip it. */
    record UnknownFields(boolean reject, Consumer<String> listener) {}

    /** @param keyColumns the route's key columns (see {@link KeyColumns}) */
    RecordMapper(TableSchema schema, Route route, List<Column> keyColumns, UnknownFields unknown) {
        this.schema = schema;
        this.keySource = route.keySource();
        this.keyColumns = List.copyOf(keyColumns);
        this.required = required(route, keyColumns);
        this.unknown = unknown;
        this.metadata = new MetadataColumns(schema, route.mapping(), keySource);
        BitSet keyBits = new BitSet();
        keyColumns.forEach(column -> keyBits.set(column.index()));
        BitSet explicit = metadata.targets();
        route.mapping().paths().keySet().forEach(name -> schema.column(name).ifPresent(c -> explicit.set(c.index())));
        if (keySource == KeySource.RECORD_KEY) {
            explicit.or(keyBits);
        }
        this.values = ColumnMap.forValues(schema, route.mapping(), explicit);
        this.keysInValue = ColumnMap.forKeysInValue(schema, route.mapping(), explicit, keyBits);
        this.keys = ColumnMap.forKeys(schema, route.mapping(), keyBits);
    }

    /**
     * The columns every written row must set to a non-null value: the key columns when the write mode matches
     * rows by key, or the key comes from somewhere else than the value (where it is never optional).
     */
    static List<Column> required(Route route, List<Column> keyColumns) {
        return route.mode() == WriteMode.INSERT && route.keySource() == KeySource.VALUE
                ? List.of()
                : List.copyOf(keyColumns);
    }

    /** A row to write from {@code value} (a flat JSON object), the record's metadata and headers, and its key. */
    Row write(int index, SinkRecord record, byte[] value, byte[] key) throws DecodeException {
        MappedRow row = new MappedRow(schema.columns().size());
        read(value, values, row, "record value");
        metadata.fill(record, value, row);
        if (keySource == KeySource.RECORD_KEY) {
            readKey(key, row);
        }
        row.throwFailure();
        if (row.present.isEmpty()) {
            throw new DecodeException(null, "record sets no column of table " + schema.table());
        }
        Column missing = row.firstMissing(required);
        if (missing != null) {
            throw new DecodeException(missing.name(), "key column \"" + missing.name() + "\" is missing or null");
        }
        return new Row(index, row.present, row.values);
    }

    /**
     * A row that deletes by key: only the key columns are present. With {@link KeySource#VALUE} they come from
     * {@code image} (a change event's before-image) and, where it has none, from the key (a tombstone's).
     */
    Row delete(int index, byte[] image, byte[] key) throws DecodeException {
        if (keySource == KeySource.COORDINATES) {
            throw new DecodeException(
                    null,
                    "a delete cannot find its row by Kafka coordinates (the route's key is the coordinates):"
                            + " turn deletes off for this route");
        }
        if (keyColumns.isEmpty()) {
            throw new DecodeException(
                    null, "a delete needs key columns, and table " + schema.table() + " has no primary key");
        }
        MappedRow row = new MappedRow(schema.columns().size());
        if (keySource == KeySource.VALUE && image != null) {
            read(image, keysInValue, row, "record value");
        }
        if (row.firstMissing(keyColumns) != null && (key != null || image == null)) {
            readKey(key, row);
        }
        row.throwFailure();
        Column missing = row.firstMissing(keyColumns);
        if (missing != null) {
            throw new DecodeException(
                    missing.name(), "key column \"" + missing.name() + "\" of a delete is missing or null");
        }
        return new Row(index, row.present, row.values, Operation.DELETE);
    }

    /** Sets the key columns from the record key; every key column must be in it. */
    private void readKey(byte[] key, MappedRow row) throws DecodeException {
        if (key == null) {
            throw new DecodeException(null, "record has no key, and the row's key is to come from it");
        }
        int first = firstNonBlank(key);
        if (first < key.length && key[first] == '{') {
            read(key, keys, row, "record key");
        } else if (first < key.length && key[first] == '[') {
            throw new DecodeException(null, "record key is a JSON array; a key must be a JSON object or one value");
        } else if (keyColumns.size() != 1) {
            throw new DecodeException(
                    null,
                    "record key is a single value, but the route has " + keyColumns.size()
                            + " key columns: a key for several columns must be a JSON object");
        } else {
            row.set(keyColumns.get(0), single(key, keyColumns.get(0)));
        }
        Column missing = row.firstMissing(keyColumns);
        if (missing != null) {
            throw new DecodeException(
                    missing.name(), "key column \"" + missing.name() + "\" is missing or null in the record key");
        }
    }

    /** A key that is one value: a JSON scalar, or else the key's text as it is. */
    private static String single(byte[] key, Column column) throws DecodeException {
        JsonNode node = scalar(key);
        if (node == null
                || (!node.isTextual() && (column.type() == ColumnType.TEXT || column.type() == ColumnType.OTHER))) {
            // Not JSON (a key written by a string serializer), or a number or boolean for a text column: the
            // key's own spelling, not the number re-printed.
            String text = MetadataColumns.strictUtf8(key, column, "record key");
            node = TextNode.valueOf(node == null ? text : text.strip());
        }
        return ValueFormatter.format(node, column);
    }

    /** The key as one JSON scalar, or {@code null} when it is not exactly one JSON value. */
    private static JsonNode scalar(byte[] key) {
        try (JsonParser parser = RowDecoder.MAPPER.createParser(key)) {
            JsonToken token = parser.nextToken();
            if (token == null || !token.isScalarValue()) {
                return null;
            }
            JsonNode node = parser.readValueAsTree();
            return parser.nextToken() == null ? node : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private static int firstNonBlank(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r')) {
            i++;
        }
        return i;
    }

    /** Reads a JSON object's fields into the columns {@code map} gives them, streaming, as the plain path does. */
    private void read(byte[] input, ColumnMap map, MappedRow row, String what) throws DecodeException {
        try (JsonParser parser = RowDecoder.MAPPER.createParser(input)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new DecodeException(null, what + " is not a JSON object");
            }
            boolean utf8 = RowDecoder.isUtf8(input);
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken token = parser.nextToken();
                List<ColumnMap.PathTarget> paths = map.paths(name);
                Column column = column(map, name, paths != null);
                if (paths != null) {
                    readPaths(parser, paths, column, row);
                } else if (column == null) {
                    parser.skipChildren();
                } else {
                    try {
                        row.set(column, RowDecoder.convert(parser, token, column, input, utf8));
                    } catch (DecodeException e) {
                        parser.skipChildren();
                        row.fail(column, e);
                    }
                }
            }
            row.throwFailure(); // before trailing content, in the plain path's order
            if (parser.nextToken() != null) {
                throw new DecodeException(null, what + " is not valid JSON (trailing content after the object)");
            }
        } catch (IOException e) {
            throw RowDecoder.unreadable(e, what);
        }
    }

    /** The field's column, or {@code null} when it fills none (reported, or rejected, when it has none). */
    private Column column(ColumnMap map, String name, boolean hasPaths) throws DecodeException {
        Column column = map.column(name);
        if (column == ColumnMap.DROPPED || (column == null && hasPaths)) {
            return null;
        }
        if (column == null) {
            String columnName = map.columnName(name);
            if (unknown.reject()) {
                // Names the field as the column it lacks, so a run of them counts as drift.
                throw new DecodeException(
                        columnName,
                        "field \"" + name + "\" has no column"
                                + (columnName.equals(name) ? "" : " \"" + columnName + "\"") + " in table "
                                + schema.table() + " (input.unknown.fields=reject)");
            }
            unknown.listener().accept(columnName);
            return null;
        }
        if (column.identityAlways()) {
            throw RowDecoder.identityAlways(column);
        }
        return column;
    }

    /** A field that paths start at: read as a tree, then each path's end (and the field itself) to its column. */
    private static void readPaths(JsonParser parser, List<ColumnMap.PathTarget> paths, Column column, MappedRow row)
            throws IOException, DecodeException {
        JsonNode node;
        try {
            node = parser.readValueAsTree();
        } catch (NumberFormatException e) {
            throw ValueFormatter.bad(
                    paths.get(0).column(), "holds a number whose exponent is out of range for every PostgreSQL type");
        }
        for (ColumnMap.PathTarget path : paths) {
            JsonNode at = node;
            for (int i = 0; i < path.rest().size() && at != null; i++) {
                at = step(at, path.rest().get(i));
            }
            if (at != null) {
                formatInto(at, path.column(), row);
            }
        }
        if (column != null) {
            formatInto(node, column, row);
        }
    }

    /** One step along a path: an object's field, or an array's element by its index. */
    private static JsonNode step(JsonNode node, String segment) {
        if (node.isArray() && !segment.isEmpty() && segment.chars().allMatch(Character::isDigit)) {
            return segment.length() > 9 ? null : node.get(Integer.parseInt(segment));
        }
        return node.get(segment);
    }

    private static void formatInto(JsonNode node, Column column, MappedRow row) {
        try {
            row.set(column, ValueFormatter.format(node, column));
        } catch (DecodeException e) {
            row.fail(column, e);
        }
    }
}
