package io.pgsink.write;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.BitSet;

/**
 * Encodes rows in COPY text format as UTF-8 into a fixed buffer, handing the buffer to a sink each time it fills,
 * so a batch is streamed to the server and never held as one string. Text format: columns separated by a tab,
 * rows ended by a newline, {@code \N} for NULL, and backslash, tab, newline and carriage return escaped as
 * {@code \\}, {@code \t}, {@code \n} and {@code \r}; every other character stands for itself. Not thread safe.
 */
final class CopyEncoder {

    static final int BUFFER_BYTES = 64 * 1024;

    /** Where encoded bytes go: {@code CopyIn::writeToCopy}. */
    @FunctionalInterface
    interface Sink {
        void write(byte[] bytes, int offset, int length) throws SQLException;
    }

    private final Sink sink;
    private final byte[] buffer;
    private final StringBuilder line = new StringBuilder(256);
    private int used;

    CopyEncoder(Sink sink) {
        this(sink, BUFFER_BYTES);
    }

    CopyEncoder(Sink sink, int bufferBytes) {
        this.sink = sink;
        this.buffer = new byte[bufferBytes];
    }

    /** Appends one row's values for {@code columns}, in column order. */
    void write(Row row, BitSet columns) throws SQLException {
        line.setLength(0);
        appendLine(row.values(), columns, line);
        byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > buffer.length - used) {
            flush();
        }
        if (bytes.length > buffer.length) {
            sink.write(bytes, 0, bytes.length);
            return;
        }
        System.arraycopy(bytes, 0, buffer, used, bytes.length);
        used += bytes.length;
    }

    /** Hands whatever is buffered to the sink. */
    void flush() throws SQLException {
        if (used > 0) {
            sink.write(buffer, 0, used);
            used = 0;
        }
    }

    static void appendLine(String[] values, BitSet columns, StringBuilder out) {
        int first = columns.nextSetBit(0);
        for (int i = first; i >= 0; i = columns.nextSetBit(i + 1)) {
            if (i != first) {
                out.append('\t');
            }
            appendValue(values[i], out);
        }
        out.append('\n');
    }

    static void appendValue(String value, StringBuilder out) {
        if (value == null) {
            out.append("\\N");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\': out.append("\\\\"); break;
                case '\t': out.append("\\t"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                default: out.append(c);
            }
        }
    }
}
