package io.pgsink.pg;

import io.pgsink.decode.Row;
import java.sql.SQLException;
import java.util.BitSet;

/**
 * Encodes rows in COPY text format as UTF-8 straight into a fixed buffer, handing the buffer to a sink each time
 * it fills, so a batch is streamed to the server and never held as one string or array; a character is never split
 * between two chunks. Text format: columns separated by a tab,
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
    private int used;

    CopyEncoder(Sink sink) {
        this(sink, BUFFER_BYTES);
    }

    /** @param bufferBytes at least 4, so that any one character fits */
    CopyEncoder(Sink sink, int bufferBytes) {
        if (bufferBytes < 4) {
            throw new IllegalArgumentException("buffer must hold at least 4 bytes");
        }
        this.sink = sink;
        this.buffer = new byte[bufferBytes];
    }

    /** Appends one row's values for {@code columns}, in column order. */
    void write(Row row, BitSet columns) throws SQLException {
        write(row, columns, false);
    }

    /** Appends one row's values for {@code columns}, in column order, after its batch index if {@code numbered}. */
    void write(Row row, BitSet columns, boolean numbered) throws SQLException {
        if (numbered) {
            encode(Integer.toString(row.index()));
            put((byte) '\t');
        }
        String[] values = row.values();
        int first = columns.nextSetBit(0);
        for (int i = first; i >= 0; i = columns.nextSetBit(i + 1)) {
            if (i != first) {
                put((byte) '\t');
            }
            String value = values[i];
            if (value == null) {
                put((byte) '\\');
                put((byte) 'N');
            } else {
                encode(value);
            }
        }
        put((byte) '\n');
    }

    /** Hands whatever is buffered to the sink. */
    void flush() throws SQLException {
        if (used > 0) {
            sink.write(buffer, 0, used);
            used = 0;
        }
    }

    /** UTF-8 straight into the buffer, escaping as COPY text wants; a lone surrogate becomes '?', as in getBytes. */
    private void encode(String value) throws SQLException {
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (used > buffer.length - 4) {
                flush();
            }
            if (c < 0x80) {
                switch (c) {
                    case '\\':
                        buffer[used++] = '\\';
                        buffer[used++] = '\\';
                        break;
                    case '\t':
                        buffer[used++] = '\\';
                        buffer[used++] = 't';
                        break;
                    case '\n':
                        buffer[used++] = '\\';
                        buffer[used++] = 'n';
                        break;
                    case '\r':
                        buffer[used++] = '\\';
                        buffer[used++] = 'r';
                        break;
                    default:
                        buffer[used++] = (byte) c;
                }
            } else if (c < 0x800) {
                buffer[used++] = (byte) (0xC0 | (c >> 6));
                buffer[used++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < length
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, value.charAt(++i));
                buffer[used++] = (byte) (0xF0 | (cp >> 18));
                buffer[used++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buffer[used++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buffer[used++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                buffer[used++] = '?';
            } else {
                buffer[used++] = (byte) (0xE0 | (c >> 12));
                buffer[used++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buffer[used++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    private void put(byte b) throws SQLException {
        if (used == buffer.length) {
            flush();
        }
        buffer[used++] = b;
    }
}
