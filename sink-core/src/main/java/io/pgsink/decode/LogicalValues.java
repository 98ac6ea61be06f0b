package io.pgsink.decode;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.util.Base64;

/**
 * Kafka Connect's logical types and Debezium's semantic types, from their encoded form to the JSON the schemaless
 * rules read exactly: decimals as plain numbers with their scale (never through a double), dates, times and
 * timestamps as ISO-8601 text, JSON columns as JSON, bit strings as {@code 0}/{@code 1} text. Types whose encoded
 * form already is that text (ZonedTimestamp, ZonedTime, Uuid, Xml, Enum, Interval, ...) are left to their base
 * type. Facts about the encodings are from Kafka Connect's {@code JsonConverter} and Debezium's PostgreSQL
 * connector documentation.
 */
final class LogicalValues {

    static final String DECIMAL = "org.apache.kafka.connect.data.Decimal";
    static final String VARIABLE_SCALE_DECIMAL = "io.debezium.data.VariableScaleDecimal";

    /** PostgreSQL's timestamp 'infinity' and '-infinity', as Debezium's MicroTimestamp encodes them. */
    private static final long POSITIVE_INFINITY_MICROS = 9_223_372_036_825_200_000L;

    private static final long NEGATIVE_INFINITY_MICROS = -9_223_372_036_832_400_000L;

    /** Bytes of an unscaled value past PostgreSQL's numeric (131072 + 16383 digits, about 490,000 bits). */
    private static final int MAX_UNSCALED_BYTES = 62_000;

    private LogicalValues() {}

    /**
     * Writes {@code value} (not null) when its schema has a logical name this class converts.
     *
     * @return whether it was written; {@code false} leaves it to the base type
     */
    static boolean write(JsonGenerator out, JsonNode value, ConnectSchema schema, String field)
            throws IOException, DecodeException {
        try {
            return writeChecked(out, value, schema, field);
        } catch (DateTimeException | ArithmeticException e) {
            throw bad(field, schema, "is out of range");
        }
    }

    private static boolean writeChecked(JsonGenerator out, JsonNode value, ConnectSchema schema, String field)
            throws IOException, DecodeException {
        switch (schema.name()) {
            case DECIMAL -> decimal(out, value, scale(schema, field), field, schema);
            case VARIABLE_SCALE_DECIMAL -> variableScaleDecimal(out, value, field, schema);
            case "org.apache.kafka.connect.data.Date", "io.debezium.time.Date" ->
                out.writeString(TemporalText.date(integer(value, field, schema)));
            case "org.apache.kafka.connect.data.Time", "io.debezium.time.Time" ->
                out.writeString(TemporalText.timeOfDay(integer(value, field, schema), 1_000, 3));
            case "io.debezium.time.MicroTime" ->
                out.writeString(TemporalText.timeOfDay(integer(value, field, schema), 1_000_000, 6));
            case "io.debezium.time.NanoTime" ->
                out.writeString(TemporalText.timeOfDay(integer(value, field, schema), 1_000_000_000, 9));
            case "org.apache.kafka.connect.data.Timestamp" ->
                out.writeString(TemporalText.timestamp(integer(value, field, schema), 1_000, 3, true));
            case "io.debezium.time.Timestamp" ->
                out.writeString(TemporalText.timestamp(integer(value, field, schema), 1_000, 3, false));
            case "io.debezium.time.MicroTimestamp" -> out.writeString(microTimestamp(integer(value, field, schema)));
            case "io.debezium.time.NanoTimestamp" ->
                out.writeString(TemporalText.timestamp(integer(value, field, schema), 1_000_000_000, 9, false));
            case "io.debezium.time.MicroDuration" ->
                out.writeString(TemporalText.duration(integer(value, field, schema), 1_000_000, 6));
            case "io.debezium.time.NanoDuration" ->
                out.writeString(TemporalText.duration(integer(value, field, schema), 1_000_000_000, 9));
            case "io.debezium.data.Json" -> json(out, value, field, schema);
            case "io.debezium.data.Bits" -> out.writeString(bits(value, field, schema));
            case "io.debezium.data.geometry.Geometry",
                    "io.debezium.data.geometry.Geography",
                    "io.debezium.data.geometry.Point" ->
                throw bad(
                        field,
                        schema,
                        "is a spatial value, which pgsink does not write (leave the column out of the connector's"
                                + " column.include.list, or convert it in the source)");
            default -> {
                return false;
            }
        }
        return true;
    }

    /** A decimal: base64 two's-complement big-endian unscaled bytes (the default), or a JSON number. */
    static void decimal(JsonGenerator out, JsonNode value, int scale, String field, ConnectSchema schema)
            throws IOException, DecodeException {
        BigDecimal decimal;
        if (value.isTextual()) {
            decimal = new BigDecimal(unscaled(value.textValue(), field, schema), scale);
        } else if (value.isNumber()) {
            // JsonConverter's decimal.format=NUMERIC: the number itself; trailing zeros up to the scale are exact.
            decimal = value.decimalValue();
            if (decimal.scale() < scale) {
                decimal = decimal.setScale(scale);
            }
        } else {
            throw bad(field, schema, "is neither base64 bytes nor a number");
        }
        writeDecimal(out, decimal, field, schema);
    }

    /**
     * Plain text, as a JSON number when it is short enough for the parser's limits, else as a string. The range is
     * checked first: the plain text of {@code 1e-2147483647} would be two billion characters.
     */
    static void writeDecimal(JsonGenerator out, BigDecimal decimal, String field, ConnectSchema schema)
            throws IOException, DecodeException {
        if (decimal.scale() > Numbers.NUMERIC_MAX_SCALE
                || (long) decimal.precision() - decimal.scale() > Numbers.NUMERIC_MAX_INTEGER_DIGITS) {
            throw bad(field, schema, "is out of range for numeric");
        }
        String plain = decimal.toPlainString();
        if (plain.length() <= Numbers.MAX_LENGTH) {
            out.writeNumber(plain);
        } else {
            out.writeString(plain);
        }
    }

    static void variableScaleDecimal(JsonGenerator out, JsonNode value, String field, ConnectSchema schema)
            throws IOException, DecodeException {
        JsonNode scale = value.get("scale");
        JsonNode unscaled = value.get("value");
        if (scale == null
                || !scale.canConvertToInt()
                || !scale.isIntegralNumber()
                || unscaled == null
                || !unscaled.isTextual()) {
            throw bad(field, schema, "is not a {scale, value} struct");
        }
        int checked = checkedScale(scale.intValue(), field, schema);
        writeDecimal(out, new BigDecimal(unscaled(unscaled.textValue(), field, schema), checked), field, schema);
    }

    private static BigInteger unscaled(String base64, String field, ConnectSchema schema) throws DecodeException {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw bad(field, schema, "is not base64");
        }
        if (bytes.length == 0) {
            throw bad(field, schema, "has no digits");
        }
        if (bytes.length > MAX_UNSCALED_BYTES) {
            throw bad(field, schema, "is out of range for numeric");
        }
        return new BigInteger(bytes);
    }

    private static int scale(ConnectSchema schema, String field) throws DecodeException {
        String scale = schema.parameters().get("scale");
        if (scale == null) {
            throw bad(field, schema, "has no \"scale\" parameter in its schema");
        }
        try {
            return checkedScale(Integer.parseInt(scale.trim()), field, schema);
        } catch (NumberFormatException e) {
            throw bad(field, schema, "has a \"scale\" parameter that is not a whole number");
        }
    }

    /** A scale whose plain text stays within what numeric holds, so no exponent is ever expanded without bound. */
    private static int checkedScale(int scale, String field, ConnectSchema schema) throws DecodeException {
        if (scale > Numbers.NUMERIC_MAX_SCALE || scale < -Numbers.NUMERIC_MAX_INTEGER_DIGITS) {
            throw bad(field, schema, "has a scale out of range for numeric");
        }
        return scale;
    }

    private static String microTimestamp(long micros) {
        if (micros == POSITIVE_INFINITY_MICROS) {
            return "infinity";
        }
        if (micros == NEGATIVE_INFINITY_MICROS) {
            return "-infinity";
        }
        return TemporalText.timestamp(micros, 1_000_000, 6, false);
    }

    private static void json(JsonGenerator out, JsonNode value, String field, ConnectSchema schema)
            throws IOException, DecodeException {
        if (!value.isTextual() || !FormatJson.isJsonValue(value.textValue())) {
            throw bad(field, schema, "is not a string holding one JSON value");
        }
        // Checked here so the message names the field: UTF-8 cannot encode a lone surrogate, the generator refuses it.
        if (hasLoneSurrogate(value.textValue())) {
            throw bad(field, schema, "contains a lone UTF-16 surrogate, which UTF-8 cannot encode");
        }
        out.writeRawValue(value.textValue());
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A bit string from Debezium's bytes: bit {@code i} of the value (counted from the right of the string) is bit
     * {@code i % 8} of byte {@code i / 8}, little-endian; the {@code length} parameter restores the leading zeros.
     */
    private static String bits(JsonNode value, String field, ConnectSchema schema) throws DecodeException {
        if (!value.isTextual()) {
            throw bad(field, schema, "is not base64 bytes");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value.textValue());
        } catch (IllegalArgumentException e) {
            throw bad(field, schema, "is not base64");
        }
        int length = bitLength(schema, bytes, field);
        char[] text = new char[length];
        for (int i = 0; i < bytes.length * 8; i++) {
            boolean set = (bytes[i / 8] >> (i % 8) & 1) != 0;
            if (i >= length && set) {
                throw bad(field, schema, "has more bits than its \"length\" parameter");
            }
            if (i < length) {
                text[length - 1 - i] = set ? '1' : '0';
            }
        }
        for (int i = bytes.length * 8; i < length; i++) {
            text[length - 1 - i] = '0';
        }
        return new String(text);
    }

    private static int bitLength(ConnectSchema schema, byte[] bytes, String field) throws DecodeException {
        String length = schema.parameters().get("length");
        if (length == null) {
            return bytes.length * 8;
        }
        try {
            int bits = Integer.parseInt(length.trim());
            if (bits < 0 || bits > RowDecoder.MAX_STRING_LENGTH) {
                throw bad(field, schema, "has a \"length\" parameter out of range");
            }
            return bits;
        } catch (NumberFormatException e) {
            throw bad(field, schema, "has a \"length\" parameter that is not a whole number");
        }
    }

    private static long integer(JsonNode value, String field, ConnectSchema schema) throws DecodeException {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw bad(field, schema, "is not a whole number");
        }
        return value.longValue();
    }

    static DecodeException bad(String field, ConnectSchema schema, String problem) {
        return new DecodeException(field, "field \"" + field + "\" (" + schema.describe() + ") " + problem);
    }
}
