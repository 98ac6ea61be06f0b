package io.pgsink.tools.examples;

import java.util.ArrayList;
import java.util.List;

/**
 * One CSV line split into fields as RFC 4180 quotes them (a field in double quotes may hold commas, and a quote
 * doubled inside it stands for one). A record spanning lines is not supported: the example's file has none.
 */
final class CsvLine {

    private CsvLine() {}

    /** The fields; throws {@link IllegalArgumentException} on a quote left open or text after a closing quote. */
    static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        int i = 0;
        while (true) {
            StringBuilder field = new StringBuilder();
            i = line.startsWith("\"", i) ? quoted(line, i + 1, field) : plain(line, i, field);
            fields.add(field.toString());
            if (i >= line.length()) {
                return fields;
            }
            i++; // past the comma
        }
    }

    private static int plain(String line, int from, StringBuilder field) {
        int comma = line.indexOf(',', from);
        int end = comma < 0 ? line.length() : comma;
        field.append(line, from, end);
        return end;
    }

    private static int quoted(String line, int from, StringBuilder field) {
        int i = from;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c != '"') {
                field.append(c);
                i++;
            } else if (line.startsWith("\"\"", i)) {
                field.append('"');
                i += 2;
            } else if (i + 1 == line.length() || line.charAt(i + 1) == ',') {
                return i + 1;
            } else {
                throw new IllegalArgumentException("text after a closing quote at character " + (i + 2));
            }
        }
        throw new IllegalArgumentException("a quoted field is not closed");
    }
}
