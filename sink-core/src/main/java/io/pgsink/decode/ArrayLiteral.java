package io.pgsink.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;

/** Builds a PostgreSQL array literal ({@code {"a","b",NULL}}) from a JSON array, converting each element. */
final class ArrayLiteral {

    private ArrayLiteral() {}

    static String format(JsonNode value, Column column) throws DecodeException {
        if (!value.isArray()) {
            throw ValueFormatter.bad(column, "must be a JSON array");
        }
        StringBuilder out = new StringBuilder();
        append(value, column, out);
        return out.toString();
    }

    private static void append(JsonNode array, Column column, StringBuilder out) throws DecodeException {
        out.append('{');
        for (int i = 0; i < array.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            JsonNode element = array.get(i);
            if (element.isArray()
                    && column.element().type() != ColumnType.JSON
                    && column.element().type() != ColumnType.JSONB) {
                append(element, column, out);
                continue;
            }
            String text = ValueFormatter.format(element, column.element());
            if (text == null) {
                out.append("NULL");
            } else {
                quote(text, out);
            }
        }
        out.append('}');
    }

    private static void quote(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }
}
