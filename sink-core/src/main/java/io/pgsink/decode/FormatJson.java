package io.pgsink.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON reading and writing the input formats share. Records are read with the same limits as
 * {@link RowDecoder} (nesting, number, string and name length), so what passes a format also passes the decoder,
 * and with exact decimals, so no number goes through a double. Messages never quote the record.
 */
final class FormatJson {

    static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(RowDecoder.MAX_NESTING_DEPTH)
            .maxNumberLength(Numbers.MAX_LENGTH)
            .maxStringLength(RowDecoder.MAX_STRING_LENGTH)
            .maxNameLength(RowDecoder.MAX_NAME_LENGTH)
            .build();

    private static final JsonFactory FACTORY =
            JsonFactory.builder().streamReadConstraints(LIMITS).build();

    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private FormatJson() {}

    /** The bytes as a tree; {@code what} names them in the message ("record value", "record key"). */
    static JsonNode read(byte[] bytes, String what) throws DecodeException {
        try {
            return MAPPER.readTree(bytes);
        } catch (StreamConstraintsException e) {
            throw pastLimits(what);
        } catch (JsonProcessingException e) {
            throw new DecodeException(null, what + " is not valid JSON" + where(e));
        } catch (IOException e) {
            throw new DecodeException(null, what + " could not be read as JSON");
        }
    }

    /** The bytes as a tree, or {@code null} when they are absent or not JSON within the limits. */
    static JsonNode readOrNull(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether {@code bytes} hold exactly one JSON object, within the limits; checked without building it. */
    static boolean isObject(byte[] bytes) {
        if (bytes == null) {
            return false;
        }
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether {@code text} is exactly one JSON value within the limits (Debezium's {@code io.debezium.data.Json}
     * holds the column's JSON as a string, to be written as JSON, not as a string).
     */
    static boolean isJsonValue(String text) throws DecodeException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (StreamConstraintsException e) {
            throw pastLimits("a JSON field of the record");
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes a JSON value with {@code body} and returns its UTF-8 bytes. */
    static byte[] write(Body body) throws DecodeException {
        ByteArrayBuilder buffer = new ByteArrayBuilder();
        try (JsonGenerator out = FACTORY.createGenerator(buffer)) {
            body.writeTo(out);
        } catch (IOException e) {
            // Only the content can fail here (a lone surrogate in raw JSON text): the buffer is memory.
            throw new DecodeException(
                    null, "record could not be written as JSON (" + e.getClass().getName() + ")");
        }
        return buffer.toByteArray();
    }

    /** Writes one tree as it is. */
    static byte[] write(JsonNode node) throws DecodeException {
        return write(out -> MAPPER.writeTree(out, node));
    }

    static DecodeException pastLimits(String what) {
        return new DecodeException(
                null,
                what + " is past pgsink's JSON limits (nesting depth " + RowDecoder.MAX_NESTING_DEPTH + ", numbers of "
                        + Numbers.MAX_LENGTH + " characters, strings of " + RowDecoder.MAX_STRING_LENGTH
                        + " characters, field names of " + RowDecoder.MAX_NAME_LENGTH + " characters)");
    }

    /**
     * Anything unexpected thrown while one record was read: that record's problem. The message is not kept, it may
     * quote the value.
     */
    static DecodeException unexpected(RuntimeException e) {
        if (e instanceof UncheckedIOException) {
            return new DecodeException(null, "record could not be read as JSON");
        }
        return new DecodeException(
                null, "record could not be decoded (" + e.getClass().getName() + ")");
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }

    /** What goes into one JSON value. */
    @FunctionalInterface
    interface Body {
        void writeTo(JsonGenerator out) throws IOException, DecodeException;
    }
}
