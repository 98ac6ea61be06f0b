package io.pgsink.decode;

import io.pgsink.schema.Column;

/**
 * Checks text before it is written: PostgreSQL text cannot hold a NUL, and UTF-8 cannot encode a lone UTF-16
 * surrogate (a JSON string may spell one as {@code "\ud800"}). Left in, a lone surrogate would be replaced by
 * {@code ?} on the way to the database, so the stored value would differ from the record; it is rejected instead.
 */
final class TextValues {

    private TextValues() {}

    /** {@code text}, if it holds no NUL and no lone surrogate. */
    static String checked(String text, Column column) throws DecodeException {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                throw ValueFormatter.bad(
                        column, "contains a NUL character, which PostgreSQL text and json cannot store");
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    throw loneSurrogate(column);
                }
            }
        }
        return text;
    }

    /**
     * {@code json}, the text of a JSON value as the record spells it, if no {@code \}{@code u} escape in it is a
     * lone surrogate. Its raw characters were decoded as strict UTF-8, so only escapes can carry one.
     */
    static String checkedJson(String json, Column column) throws DecodeException {
        boolean expectLow = false;
        int n = json.length();
        for (int i = json.indexOf('\\'); i >= 0 && i < n; i++) {
            char c = json.charAt(i);
            if (c != '\\') {
                if (expectLow) {
                    throw loneSurrogate(column);
                }
                continue;
            }
            char escaped = i + 1 < n ? json.charAt(i + 1) : ' ';
            int unit = escaped == 'u' ? hex4(json, i + 2) : -1;
            boolean low = unit >= 0 && Character.isLowSurrogate((char) unit);
            if (expectLow != low) {
                throw loneSurrogate(column);
            }
            expectLow = unit >= 0 && Character.isHighSurrogate((char) unit);
            i += unit >= 0 ? 5 : 1;
        }
        if (expectLow) {
            throw loneSurrogate(column);
        }
        return json;
    }

    private static int hex4(String s, int from) {
        if (from + 4 > s.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + 4; i++) {
            char c = s.charAt(i);
            int digit = c >= '0' && c <= '9'
                    ? c - '0'
                    : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }

    private static DecodeException loneSurrogate(Column column) {
        return ValueFormatter.bad(column, "contains a lone UTF-16 surrogate, which UTF-8 cannot encode");
    }
}
