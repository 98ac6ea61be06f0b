package io.pgsink.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pgsink.config.InputFormat;
import io.pgsink.config.KeySource;
import io.pgsink.config.Route;
import io.pgsink.config.WriteMode;
import io.pgsink.model.SinkRecord;
import io.pgsink.schema.Column;
import io.pgsink.schema.TableSchema;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Maps a JSON object's top-level fields to the table's columns of the same name. Schemaless: the table's catalog
 * types drive conversion, the record needs no schema of its own. Thread safe.
 *
 * <p>The record is read with a streaming parser, never built as a tree. The common cases convert straight from
 * the token: strings into text, whole numbers into integer columns, numbers into numeric, booleans, ISO-8601
 * timestamps with an offset ({@link IsoTimestamp}), and json/jsonb values, which are copied as the record's own
 * bytes (PostgreSQL parses them again anyway). Any other value is read as a small tree and converted by
 * {@link ValueFormatter}, which holds the full rules; both paths give the same text for the same value, except
 * that a json/jsonb value keeps the record's spelling (whitespace, key order, number format; a {@code json}
 * column stores it as sent) where the tree path re-serialises it.
 */
public final class RowDecoder {

    /** Deepest nesting of objects and arrays a record may have; deeper records are poison. */
    static final int MAX_NESTING_DEPTH = 500;
    /** Longest string value, in characters (Jackson's default, set here so it cannot change underneath). */
    static final int MAX_STRING_LENGTH = 20_000_000;
    /** Longest field name, in characters. */
    static final int MAX_NAME_LENGTH = 50_000;

    // Bounds on what one record can make the parser do: no recursion deeper than the nesting limit, no number
    // parsed from more than Numbers.MAX_LENGTH characters. A record past a limit is poison, like invalid JSON.
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxNumberLength(Numbers.MAX_LENGTH)
            .maxStringLength(MAX_STRING_LENGTH)
            .maxNameLength(MAX_NAME_LENGTH)
            .build();

    // Exact decimals: numeric columns must not pass through a double. Not FAIL_ON_TRAILING_TOKENS: values are
    // read one by one from inside the object; decode() checks for trailing content itself.
    static final ObjectMapper MAPPER = new ObjectMapper(
                    JsonFactory.builder().streamReadConstraints(LIMITS).build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private static final JsonNode EMPTY_OBJECT = JsonNodeFactory.instance.objectNode();
    private static final JsonNode EMPTY_ARRAY = JsonNodeFactory.instance.arrayNode();

    private final TableSchema schema;
    private final List<Column> requiredColumns;
    private final boolean rejectUnknownFields;
    private final Consumer<String> unknownFields;
    // The route's rules; null for a decoder built without a route (every field to its column, tombstones refused).
    private final Route route;
    // The general path; null without a route.
    private final RecordMapper mapper;
    // Whether records are written by the plain streaming path: without a route, or where it is exact (the identity
    // mapping, the key in the value). Deletes always take the general path, which reads the key columns only.
    private final boolean plain;
    private final List<Column> batchKeyColumns;
    // How the route's records are read; null for schemaless JSON, decoded straight from the value's bytes.
    private final RecordFormat format;

    /**
     * @param requiredColumns columns every record must set to a non-null value (the conflict key in upsert mode)
     */
    public RowDecoder(TableSchema schema, List<Column> requiredColumns, boolean rejectUnknownFields) {
        this(schema, requiredColumns, rejectUnknownFields, name -> {});
    }

    /**
     * @param unknownFields told the name of each field that has no column and is ignored, once per record and
     *     field, on the decoding thread: a sign that the table may have gained the column since its schema was read
     */
    public RowDecoder(
            TableSchema schema,
            List<Column> requiredColumns,
            boolean rejectUnknownFields,
            Consumer<String> unknownFields) {
        this.schema = schema;
        this.requiredColumns = List.copyOf(requiredColumns);
        this.rejectUnknownFields = rejectUnknownFields;
        this.unknownFields = unknownFields;
        this.route = null;
        this.mapper = null;
        this.plain = true;
        this.batchKeyColumns = this.requiredColumns;
        this.format = null;
    }

    /**
     * A decoder for one route: its mapping, key source, deletes and truncates (see {@link RecordMapper} for where
     * key columns come from). Records under the identity mapping with the key in the value take the plain path.
     *
     * @param keyColumns the route's key columns, resolved against the table ({@link KeyColumns#names})
     * @param unknownFields told the name of the column a field looked for and did not find (see above)
     */
    public RowDecoder(
            TableSchema schema,
            Route route,
            List<Column> keyColumns,
            boolean rejectUnknownFields,
            Consumer<String> unknownFields) {
        this.schema = schema;
        this.requiredColumns = RecordMapper.required(route, keyColumns);
        this.rejectUnknownFields = rejectUnknownFields;
        this.unknownFields = unknownFields;
        this.route = route;
        this.mapper = new RecordMapper(
                schema, route, keyColumns, new RecordMapper.UnknownFields(rejectUnknownFields, unknownFields));
        this.plain = route.mapping().isIdentity() && route.keySource() == KeySource.VALUE;
        this.batchKeyColumns = route.mode() == WriteMode.UPSERT ? List.copyOf(keyColumns) : List.of();
        this.format = route.format() == InputFormat.JSON ? null : RecordFormat.of(route.format());
    }

    /**
     * Decodes a batch of records in the route's format; rows keep the records' order, and in upsert mode the key
     * columns are the conflict key that {@link DecodedBatch} deduplicates by. A JSON tombstone is a delete by the
     * record key where the route enables deletes, and skipped otherwise (refused without a route); other formats
     * say themselves what a record asks ({@link RecordFormat}).
     */
    public DecodedBatch decode(List<SinkRecord> records) {
        return decode(records, change -> {});
    }

    /**
     * {@link #decode(List)}, telling {@code changes} of each record its format read (formats other than JSON), on
     * the decoding thread: where the route adds columns, the fields their schemas declare.
     */
    public DecodedBatch decode(List<SinkRecord> records, Consumer<Change> changes) {
        List<Row> rows = new ArrayList<>(records.size());
        Map<Integer, DecodeException> failures = new HashMap<>();
        Set<Integer> skipped = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            try {
                SinkRecord record = records.get(i);
                Row row = format == null ? decodeJson(i, record) : decode(i, record, read(record, changes));
                if (row == null) {
                    skipped.add(i);
                } else {
                    rows.add(row);
                }
            } catch (DecodeException e) {
                failures.put(i, e);
            } catch (RuntimeException e) {
                // A bug or a limit this decoder does not know of, met by this record alone: the record is poison,
                // the batch goes on. The exception's message is not kept: it may quote the value.
                failures.put(
                        i,
                        new DecodeException(
                                null,
                                "record could not be decoded (" + e.getClass().getName() + ")"));
            }
        }
        return new DecodedBatch(rows, failures, skipped, batchKeyColumns);
    }

    private Change read(SinkRecord record, Consumer<Change> changes) throws DecodeException {
        Change change = format.read(record);
        if (change != null) {
            changes.accept(change);
        }
        return change;
    }

    /**
     * One record in the schemaless JSON format: its value is the object to write, a tombstone a delete by its key.
     *
     * @return the row, or {@code null} when the record is skipped (a tombstone where deletes are off)
     */
    public Row decodeJson(int index, SinkRecord record) throws DecodeException {
        byte[] value = record.value();
        if (value == null) {
            if (route == null) {
                throw new DecodeException(null, "record has no value (a tombstone); pgsink does not delete rows");
            }
            return route.deletes() ? mapper.delete(index, null, record.key()) : null;
        }
        return plain ? decode(index, value) : mapper.write(index, record, value, record.key());
    }

    /**
     * One record as its format read it ({@link RecordFormat}), mapped to the table's columns.
     *
     * @param change what the record asks, or {@code null} when it asks nothing
     * @return the row, or {@code null} when the record is skipped: no change, or a delete or truncate the route
     *     does not enable
     */
    public Row decode(int index, SinkRecord record, Change change) throws DecodeException {
        if (change == null) {
            return null;
        }
        switch (change.operation()) {
            case WRITE:
                if (change.value() == null) {
                    throw new DecodeException(null, "change to write has no value");
                }
                return plain
                        ? decode(index, change.value())
                        : mapper.write(index, record, change.value(), change.key());
            case DELETE:
                if (route == null) {
                    throw new DecodeException(null, "record is a delete; pgsink deletes rows only for a route");
                }
                return route.deletes() ? mapper.delete(index, change.value(), change.key()) : null;
            case TRUNCATE:
                if (route == null) {
                    throw new DecodeException(null, "record is a truncate; pgsink truncates only for a route");
                }
                return route.truncates()
                        ? new Row(
                                index, new BitSet(), new String[schema.columns().size()], Operation.TRUNCATE)
                        : null;
            default:
                throw new IllegalStateException("unhandled operation " + change.operation());
        }
    }

    public Row decode(int index, byte[] value) throws DecodeException {
        if (value == null) {
            throw new DecodeException(null, "record has no value (a tombstone); pgsink does not delete rows");
        }
        String[] values = new String[schema.columns().size()];
        BitSet present = new BitSet(values.length);
        DecodeException[] failed = null;
        try (JsonParser parser = MAPPER.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new DecodeException(null, "record value is not a JSON object");
            }
            boolean utf8 = isUtf8(value);
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken token = parser.nextToken();
                Column column = schema.column(name).orElse(null);
                if (column == null) {
                    if (rejectUnknownFields) {
                        // Names the field as the column it lacks, so a run of them counts as drift.
                        throw new DecodeException(
                                name,
                                "field \"" + name + "\" has no column in table " + schema.table()
                                        + " (input.unknown.fields=reject)");
                    }
                    unknownFields.accept(name);
                    parser.skipChildren();
                    continue;
                }
                if (column.identityAlways()) {
                    throw identityAlways(column);
                }
                try {
                    values[column.index()] = convert(parser, token, column, value, utf8);
                    if (failed != null) {
                        failed[column.index()] = null;
                    }
                } catch (DecodeException e) {
                    // A field may repeat; as with any JSON object read into a map, the last occurrence counts.
                    parser.skipChildren();
                    failed = failed == null ? new DecodeException[values.length] : failed;
                    failed[column.index()] = e;
                    values[column.index()] = null;
                }
                present.set(column.index());
            }
            if (failed != null) {
                for (DecodeException e : failed) {
                    if (e != null) {
                        throw e;
                    }
                }
            }
            if (parser.nextToken() != null) {
                throw new DecodeException(null, "record value is not valid JSON (trailing content after the object)");
            }
        } catch (IOException e) {
            throw unreadable(e, "record value");
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

    /** Why {@code input} (what, e.g. "record value") could not be read as JSON, without quoting it. */
    static DecodeException unreadable(IOException e, String what) {
        if (e instanceof StreamConstraintsException limit) {
            return new DecodeException(
                    null,
                    what + " is past pgsink's JSON limits (nesting depth " + MAX_NESTING_DEPTH + ", numbers of "
                            + Numbers.MAX_LENGTH + " characters, strings of " + MAX_STRING_LENGTH
                            + " characters, field names of " + MAX_NAME_LENGTH + " characters)" + where(limit));
        }
        if (e instanceof JsonProcessingException invalid) {
            return new DecodeException(null, what + " is not valid JSON" + where(invalid));
        }
        return new DecodeException(null, what + " could not be read as JSON");
    }

    static DecodeException identityAlways(Column column) {
        return new DecodeException(
                column.name(),
                "column \"" + column.name() + "\" is GENERATED ALWAYS AS IDENTITY, which PostgreSQL fills"
                        + " itself and pgsink does not override: leave the field out of the records, or"
                        + " make the column GENERATED BY DEFAULT");
    }

    /** The column's text for the value at {@code token}, leaving the parser on the value's last token. */
    static String convert(JsonParser parser, JsonToken token, Column column, byte[] input, boolean utf8)
            throws IOException, DecodeException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        switch (column.type()) {
            case TEXT:
            case OTHER:
                if (token == JsonToken.VALUE_STRING) {
                    return TextValues.checked(parser.getText(), column);
                }
                break;
            case SMALLINT:
            case INTEGER:
            case BIGINT:
                if (token == JsonToken.VALUE_NUMBER_INT
                        && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    return ValueFormatter.integer(parser.getLongValue(), column);
                }
                break;
            case NUMERIC:
                if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                    String text = parser.getText();
                    if (text.indexOf('e') < 0 && text.indexOf('E') < 0) {
                        return text;
                    }
                }
                break;
            case BOOLEAN:
                if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
                    return token == JsonToken.VALUE_TRUE ? "t" : "f";
                }
                break;
            case TIMESTAMPTZ:
                if (token == JsonToken.VALUE_STRING) {
                    String text = parser.getText();
                    if (IsoTimestamp.isOffsetDateTime(text)) {
                        return text;
                    }
                }
                break;
            case JSON:
            case JSONB:
                if (utf8 && (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY)) {
                    // A JSON text cannot hold a raw NUL (only the escape, which jsonb rejects itself).
                    int start = (int) parser.currentTokenLocation().getByteOffset();
                    parser.skipChildren();
                    int end = (int) parser.currentLocation().getByteOffset();
                    return TextValues.checkedJson(utf8(input, start, end - start, column), column);
                }
                break;
            default:
                break;
        }
        if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) && isScalar(column)) {
            // Any object or array is wrong here: reject it without building it as a tree (up to the nesting limit
            // of maps and lists), with the same message the tree would get.
            parser.skipChildren();
            return ValueFormatter.format(token == JsonToken.START_OBJECT ? EMPTY_OBJECT : EMPTY_ARRAY, column);
        }
        JsonNode node;
        try {
            node = parser.readValueAsTree();
        } catch (NumberFormatException e) {
            // Valid JSON, but an exponent beyond what BigDecimal holds (past ±2147483647): no column type takes it.
            throw ValueFormatter.bad(column, "holds a number whose exponent is out of range for every PostgreSQL type");
        }
        return ValueFormatter.format(node, column);
    }

    /** Whether the column takes only a scalar JSON value: not text (which takes any JSON as text), json or arrays. */
    private static boolean isScalar(Column column) {
        return switch (column.type()) {
            case TEXT, OTHER, JSON, JSONB, ARRAY -> false;
            default -> true;
        };
    }

    /**
     * The bytes as text, rejecting malformed UTF-8 (an overlong or surrogate encoding, say) rather than replacing
     * it: the tokenizer skipping a nested value does not check every multi-byte sequence.
     */
    static String utf8(byte[] input, int offset, int length, Column column) throws DecodeException {
        for (int i = offset; i < offset + length; i++) {
            if (input[i] < 0) {
                try {
                    return StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(input, offset, length))
                            .toString();
                } catch (CharacterCodingException e) {
                    throw ValueFormatter.bad(column, "is not valid UTF-8");
                }
            }
        }
        return new String(input, offset, length, StandardCharsets.ISO_8859_1); // all ASCII
    }

    /**
     * Whether the byte offsets the parser reports index {@code value} as UTF-8 text: Jackson also reads UTF-16
     * and UTF-32 (recognised by zero bytes or a byte order mark), whose offsets could not be sliced as UTF-8.
     */
    static boolean isUtf8(byte[] value) {
        return value.length >= 2 && value[0] != 0 && value[1] != 0 && value[0] > 0;
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }
}
