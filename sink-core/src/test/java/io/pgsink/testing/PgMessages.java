package io.pgsink.testing;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Framing of the PostgreSQL v3 wire protocol, for {@link PgProxy}: whole messages, so the proxy decides per message
 * and never cuts one in half. Only the framing is read here; which messages matter is the callers' business.
 */
final class PgMessages {

    static final int SSL_REQUEST = 80877103;
    static final int GSSENC_REQUEST = 80877104;
    static final int CANCEL_REQUEST = 80877102;
    static final byte SYNC = 'S';
    static final byte QUERY = 'Q';
    static final byte FUNCTION_CALL = 'F';
    static final byte TERMINATE = 'X';
    static final byte READY_FOR_QUERY = 'Z';

    // PostgreSQL's own cap on a message (MaxAllocSize); anything longer means the stream is out of step.
    private static final int MAX_LENGTH = 0x3fffffff;

    private PgMessages() {}

    /** A typed message: the type byte and the body, without the length word. */
    static final class Message {
        final byte type;
        final byte[] body;

        Message(byte type, byte[] body) {
            this.type = type;
            this.body = body;
        }

        void writeTo(OutputStream out) throws IOException {
            out.write(type);
            out.write(ByteBuffer.allocate(4).putInt(body.length + 4).array());
            out.write(body);
        }

        /** The first {@code count} null-terminated strings of the body, starting at {@code offset}. */
        String[] cstrings(int offset, int count) throws ProtocolException {
            String[] strings = new String[count];
            int start = offset;
            for (int i = 0; i < count; i++) {
                int end = start;
                while (end < body.length && body[end] != 0) {
                    end++;
                }
                if (end >= body.length) {
                    throw new ProtocolException("unterminated string in message '" + (char) type + "'");
                }
                strings[i] = new String(body, start, end - start, StandardCharsets.UTF_8);
                start = end + 1;
            }
            return strings;
        }
    }

    /** The next typed message, or null when the stream ended cleanly between two messages. */
    static Message read(DataInputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        return new Message((byte) type, readBody(in));
    }

    /**
     * The next packet of the startup phase (length word, then a request code or protocol version, then the rest), with
     * its length word, or null when the stream ended before it. These packets have no type byte.
     */
    static byte[] readStartup(DataInputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        byte[] rest = new byte[3];
        in.readFully(rest);
        int length = (first << 24) | ((rest[0] & 0xff) << 16) | ((rest[1] & 0xff) << 8) | (rest[2] & 0xff);
        if (length < 8 || length > 10_000) {
            throw new ProtocolException("startup packet of " + length + " bytes");
        }
        byte[] packet = new byte[length];
        ByteBuffer.wrap(packet).putInt(length);
        in.readFully(packet, 4, length - 4);
        return packet;
    }

    /** The request code (SSLRequest, GSSENCRequest, CancelRequest) or protocol version of a startup packet. */
    static int requestCode(byte[] startupPacket) {
        return ByteBuffer.wrap(startupPacket, 4, 4).getInt();
    }

    private static byte[] readBody(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 4 || length > MAX_LENGTH) {
            throw new ProtocolException("message length " + length + ": the stream is out of step");
        }
        byte[] body = new byte[length - 4];
        try {
            in.readFully(body);
        } catch (EOFException e) {
            throw new EOFException("the stream ended inside a message");
        }
        return body;
    }
}
