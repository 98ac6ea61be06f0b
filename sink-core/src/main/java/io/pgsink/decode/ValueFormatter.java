package io.pgsink.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Converts a JSON value to the text form PostgreSQL accepts for a column. The same text feeds bind parameters and
 * COPY, so both write paths convert identically. Values that cannot fit are rejected here, before any SQL runs,
 * with a message that names the column and type but not the value.
 */
final class ValueFormatter {

    private static final Pattern UUID_PATTERN =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private ValueFormatter() {}

    /** The PostgreSQL text for {@code value}, or {@code null} for JSON null. */
    static String format(JsonNode value, Column column) throws DecodeException {
        if (value == null || value.isNull()) {
            return null;
        }
        switch (column.type()) {
            case TEXT:
            case OTHER:
                return text(value, column);
            case SMALLINT:
            case INTEGER:
            case BIGINT:
                return integer(value, column);
            case NUMERIC:
                return Numbers.numeric(decimal(value, column), column);
            case REAL:
            case DOUBLE:
                return floating(value, column);
            case BOOLEAN:
                return bool(value, column);
            case TIMESTAMPTZ:
                return timestamptz(value, column);
            case TIMESTAMP:
                return timestamp(value, column);
            case DATE:
                return date(value, column);
            case UUID:
                return uuid(value, column);
            case JSON:
            case JSONB:
                return TextValues.checked(value.toString(), column);
            case BYTEA:
                return Bytea.format(value, column);
            case ARRAY:
                return ArrayLiteral.format(value, column);
            default:
                throw new IllegalStateException("unhandled column type " + column.type());
        }
    }

    private static String text(JsonNode value, Column column) throws DecodeException {
        return TextValues.checked(value.isTextual() ? value.textValue() : value.toString(), column);
    }

    /** A whole number for a smallint, integer or bigint column. */
    static String integer(long value, Column column) throws DecodeException {
        long max = switch (column.type()) {
            case SMALLINT -> Short.MAX_VALUE;
            case INTEGER -> Integer.MAX_VALUE;
            case BIGINT -> Long.MAX_VALUE;
            default -> throw new IllegalArgumentException("not an integer column: " + column.type());
        };
        if (value > max || value < -max - 1) {
            throw bad(column, "is out of range for " + column.sqlType());
        }
        return Long.toString(value);
    }

    private static String integer(JsonNode value, Column column) throws DecodeException {
        return Numbers.integer(decimal(value, column), column);
    }

    private static BigDecimal decimal(JsonNode value, Column column) throws DecodeException {
        if (value.isNumber()) {
            return value.decimalValue();
        }
        if (value.isTextual()) {
            return Numbers.parse(value.textValue(), column);
        }
        throw bad(column, "is not a number");
    }

    private static String floating(JsonNode value, Column column) throws DecodeException {
        if (value.isTextual()) {
            String text = value.textValue().trim();
            if (text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity")) {
                return text;
            }
        }
        return Numbers.floating(decimal(value, column), column, column.type() == ColumnType.REAL);
    }

    private static String bool(JsonNode value, Column column) throws DecodeException {
        if (value.isBoolean()) {
            return value.booleanValue() ? "t" : "f";
        }
        if (value.isTextual()) {
            String text = value.textValue().trim().toLowerCase(Locale.ROOT);
            if (text.equals("true") || text.equals("false")) {
                return text.substring(0, 1);
            }
        }
        throw bad(column, "is not a boolean");
    }

    /** ISO-8601 with an offset, or without one (taken as UTC), or epoch milliseconds as a number. */
    private static String timestamptz(JsonNode value, Column column) throws DecodeException {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                    Instant.ofEpochMilli(value.longValue()).atOffset(ZoneOffset.UTC));
        }
        String text = requireText(value, column, "an ISO-8601 timestamp");
        if (IsoTimestamp.isOffsetDateTime(text)) {
            return text;
        }
        try {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(OffsetDateTime.parse(text));
        } catch (DateTimeException e) {
            try {
                return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                        LocalDateTime.parse(text).atOffset(ZoneOffset.UTC));
            } catch (DateTimeException e2) {
                throw bad(column, "is not an ISO-8601 timestamp (e.g. 2024-05-01T12:30:00Z)");
            }
        }
    }

    private static String timestamp(JsonNode value, Column column) throws DecodeException {
        String text = requireText(value, column, "an ISO-8601 timestamp");
        try {
            return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(LocalDateTime.parse(text));
        } catch (DateTimeException e) {
            try {
                OffsetDateTime withOffset = OffsetDateTime.parse(text);
                return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                        withOffset.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
            } catch (DateTimeException e2) {
                throw bad(column, "is not an ISO-8601 timestamp (e.g. 2024-05-01T12:30:00)");
            }
        }
    }

    private static String date(JsonNode value, Column column) throws DecodeException {
        String text = requireText(value, column, "an ISO-8601 date");
        try {
            return LocalDate.parse(text).toString();
        } catch (DateTimeException e) {
            throw bad(column, "is not an ISO-8601 date (e.g. 2024-05-01)");
        }
    }

    private static String uuid(JsonNode value, Column column) throws DecodeException {
        String text = requireText(value, column, "a UUID");
        if (!UUID_PATTERN.matcher(text).matches()) {
            throw bad(column, "is not a UUID in 8-4-4-4-12 hex form");
        }
        return text.toLowerCase(Locale.ROOT);
    }

    static String requireText(JsonNode value, Column column, String expected) throws DecodeException {
        if (!value.isTextual()) {
            throw bad(column, "must be a JSON string holding " + expected);
        }
        return value.textValue().trim();
    }

    static DecodeException bad(Column column, String problem) {
        return new DecodeException(
                column.name(), "value for column \"" + column.name() + "\" (" + column.sqlType() + ") " + problem);
    }
}
