package io.pgsink.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A PostgreSQL table name, optionally schema qualified. Names are taken literally (case preserved) and always
 * quoted in SQL, so {@code Events} and {@code events} are different tables, as they are in PostgreSQL when quoted.
 * A name holding a dot, whitespace or a double quote is written quoted, as PostgreSQL writes it:
 * {@code "Odd Schema"."Events ""X"""}.
 */
public record TableRef(String schema, String name) {

    public TableRef {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("table name is blank");
        }
    }

    /**
     * Parses {@code name} or {@code schema.name}; the schema defaults to {@code public}. Each part is either
     * unquoted, taken as written and trimmed (not folded to lower case: {@code Events} names the table
     * {@code "Events"}, as it always has in pgsink), or in double quotes with an embedded quote doubled, which
     * lets it hold dots, whitespace and quotes.
     *
     * @throws IllegalArgumentException when the text is not one or two such parts
     */
    public static TableRef parse(String qualified) {
        List<String> parts = new ArrayList<>(2);
        int i = 0;
        while (true) {
            i = skipSpaces(qualified, i);
            StringBuilder part = new StringBuilder();
            if (i < qualified.length() && qualified.charAt(i) == '"') {
                i = skipSpaces(qualified, quoted(qualified, i + 1, part));
                parts.add(part.toString());
            } else {
                int dot = qualified.indexOf('.', i);
                int end = dot < 0 ? qualified.length() : dot;
                parts.add(qualified.substring(i, end).strip());
                i = end;
            }
            if (i >= qualified.length()) {
                break;
            }
            if (qualified.charAt(i) != '.' || parts.size() == 2) {
                throw new IllegalArgumentException("not a table name: expected name or schema.name");
            }
            i++;
        }
        return parts.size() == 1 ? new TableRef("public", parts.get(0)) : new TableRef(parts.get(0), parts.get(1));
    }

    /** Appends a quoted identifier's text, from just after its opening quote; returns the index after its end. */
    private static int quoted(String text, int from, StringBuilder out) {
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i++);
            if (c != '"') {
                out.append(c);
            } else if (i < text.length() && text.charAt(i) == '"') {
                out.append('"');
                i++;
            } else {
                return i;
            }
        }
        throw new IllegalArgumentException("not a table name: a quoted part has no closing quote");
    }

    private static int skipSpaces(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The quoted, schema-qualified name, safe to splice into SQL. */
    public String quoted() {
        return quote(schema) + "." + quote(name);
    }

    /** Quotes one identifier, doubling embedded quotes, so no identifier can break out of its quotes. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
