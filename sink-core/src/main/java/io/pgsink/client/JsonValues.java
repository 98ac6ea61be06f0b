package io.pgsink.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/**
 * Java values as the JSON object a record would carry, so that the sink's decoder converts them to column values by
 * the same rules (types, ranges, time zones, arrays, jsonb). Strings, numbers and booleans map to themselves;
 * {@link UUID}, enums and {@code java.time} values to their ISO text; {@code byte[]} to base64; maps to objects
 * (jsonb) and collections and arrays to arrays (PostgreSQL arrays or jsonb).
 */
final class JsonValues {

    private static final JsonFactory JSON = new JsonFactory();

    private JsonValues() {}

    /** The JSON object of {@code columns}; throws {@link IllegalArgumentException} naming the column of a value it cannot map. */
    static byte[] object(Map<String, Object> columns) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + columns.size() * 16);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            for (Map.Entry<String, Object> column : columns.entrySet()) {
                json.writeFieldName(column.getKey());
                write(json, column.getKey(), column.getValue());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator json, String column, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof String s) {
            json.writeString(s);
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (value instanceof Number n) {
            number(json, column, n);
        } else if (value instanceof byte[] bytes) {
            json.writeString(Base64.getEncoder().encodeToString(bytes));
        } else if (value instanceof Map<?, ?> map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                json.writeFieldName(String.valueOf(entry.getKey()));
                write(json, column, entry.getValue());
            }
            json.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            json.writeStartArray();
            for (Object item : items) {
                write(json, column, item);
            }
            json.writeEndArray();
        } else if (value.getClass().isArray()) {
            json.writeStartArray();
            for (int i = 0; i < Array.getLength(value); i++) {
                write(json, column, Array.get(value, i));
            }
            json.writeEndArray();
        } else if (isText(value)) {
            json.writeString(text(value));
        } else {
            throw new IllegalArgumentException(
                    "column \"" + column + "\": a " + value.getClass().getName()
                            + " has no column mapping (use a String, number, Boolean, UUID, java.time value, byte[], Map,"
                            + " Collection or array)");
        }
    }

    private static void number(JsonGenerator json, String column, Number n) throws IOException {
        if (n instanceof BigDecimal d) {
            json.writeNumber(d.toPlainString());
        } else if (n instanceof BigInteger i) {
            json.writeNumber(i);
        } else if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                json.writeString(Double.toString(d)); // as a JSON string, which float columns accept
            } else {
                json.writeNumber(d);
            }
        } else if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            json.writeNumber(n.longValue());
        } else {
            throw new IllegalArgumentException(
                    "column \"" + column + "\": a " + n.getClass().getName()
                            + " has no column mapping (use Integer, Long, BigInteger, BigDecimal, Float or Double)");
        }
    }

    private static boolean isText(Object value) {
        return value instanceof UUID
                || value instanceof Enum<?>
                || value instanceof Character
                || value instanceof Instant
                || value instanceof OffsetDateTime
                || value instanceof ZonedDateTime
                || value instanceof LocalDateTime
                || value instanceof LocalDate
                || value instanceof LocalTime
                || value instanceof OffsetTime
                || value instanceof Duration;
    }

    private static String text(Object value) {
        if (value instanceof ZonedDateTime z) {
            return z.toOffsetDateTime().toString();
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        return value.toString();
    }
}
