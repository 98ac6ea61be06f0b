package io.pgsink.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsink.schema.Column;
import java.util.Base64;
import java.util.Locale;

/**
 * Bytes for a {@code bytea} column, from a JSON string in one of exactly two encodings: PostgreSQL's hex form
 * ({@code \x} followed by an even number of hex digits), or standard base64 (RFC 4648 section 4, the alphabet
 * with {@code +} and {@code /}), which is how Kafka Connect's JSON converter and Debezium send bytes. Base64
 * padding ({@code =}) may be present or left out; whitespace, line breaks and the URL-safe alphabet are
 * rejected. Either way the column receives the hex form, so PostgreSQL stores the decoded bytes, never the
 * text's own characters. The hex form is written in lower case, so equal bytes give equal text (keys).
 */
final class Bytea {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Bytea() {}

    static String format(JsonNode value, Column column) throws DecodeException {
        if (!value.isTextual()) {
            throw ValueFormatter.bad(column, "must be a JSON string holding base64 or \\x followed by hex digits");
        }
        String text = value.textValue();
        if (text.startsWith("\\x")) {
            return checkedHex(text, column);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw ValueFormatter.bad(column, "is neither standard base64 nor \\x followed by hex digits");
        }
        return hex(bytes);
    }

    /** The bytes in PostgreSQL's bytea hex form, lower case. */
    static String hex(byte[] bytes) {
        char[] hex = new char[2 + 2 * bytes.length];
        hex[0] = '\\';
        hex[1] = 'x';
        for (int i = 0; i < bytes.length; i++) {
            hex[2 + 2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            hex[3 + 2 * i] = HEX[bytes[i] & 0xF];
        }
        return new String(hex);
    }

    private static String checkedHex(String text, Column column) throws DecodeException {
        if (text.length() % 2 != 0) {
            throw ValueFormatter.bad(column, "has an odd number of hex digits after \\x");
        }
        for (int i = 2; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F')) {
                throw ValueFormatter.bad(column, "is not hex after \\x (PostgreSQL's bytea hex form)");
            }
        }
        return text.toLowerCase(Locale.ROOT);
    }
}
