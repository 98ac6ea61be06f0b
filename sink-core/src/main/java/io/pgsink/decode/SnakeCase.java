package io.pgsink.decode;

/**
 * The {@code snake_case} spelling of a {@code camelCase} or {@code PascalCase} field name
 * ({@link io.pgsink.config.NamingConvention#SNAKE_CASE}).
 *
 * <p>The rule, applied to each character: an upper-case letter becomes lower case, preceded by an underscore when
 * it starts a new word, that is when the character before it is a lower-case letter or a digit
 * ({@code orderId} to {@code order_id}, {@code line2Total} to {@code line2_total}), or when it ends a run of
 * capitals and a lower-case letter follows ({@code HTTPStatus} to {@code http_status}, {@code parseURLFast} to
 * {@code parse_url_fast}). Nothing else changes: digits stay attached to what precedes them ({@code line1} stays
 * {@code line1}), existing underscores are kept and none is doubled ({@code order_Id} to {@code order_id}), and a
 * name already in snake case is its own result. Letters outside ASCII follow the same rule by their Unicode case.
 */
final class SnakeCase {

    private SnakeCase() {}

    static String of(String name) {
        int n = name.length();
        StringBuilder out = null;
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (!Character.isUpperCase(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n + 4).append(name, 0, i);
            }
            if (startsWord(name, i) && out.length() > 0 && out.charAt(out.length() - 1) != '_') {
                out.append('_');
            }
            out.append(Character.toLowerCase(c));
        }
        return out == null ? name : out.toString();
    }

    private static boolean startsWord(String name, int i) {
        if (i == 0) {
            return false;
        }
        char before = name.charAt(i - 1);
        if (Character.isLowerCase(before) || Character.isDigit(before)) {
            return true;
        }
        return Character.isUpperCase(before) && i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
    }
}
