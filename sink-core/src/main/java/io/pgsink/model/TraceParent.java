package io.pgsink.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A W3C Trace Context {@code traceparent} (version 00): {@code 00-<32 hex trace id>-<16 hex span id>-<2 hex
 * flags>}. Records carry their producer's as a header; each batch gets one of its own, whose trace id reaches the
 * logs and the dead-letter headers. Pure value type: no tracing library is needed to read or make one.
 */
public record TraceParent(String traceId, String spanId, int flags) {

    /** The record header that carries a producer's trace context. */
    public static final String HEADER = "traceparent";

    private static final int LENGTH = 55;
    private static final String INVALID_TRACE = "0".repeat(32);
    private static final String INVALID_SPAN = "0".repeat(16);

    /**
     * Reads a header value; anything that is not a valid version-00 traceparent (or a later version's first 55
     * characters followed by '-') is absent, as the W3C specification says a receiver must treat it.
     */
    public static Optional<TraceParent> parse(byte[] value) {
        if (value == null || value.length < LENGTH || (value.length > LENGTH && value[LENGTH] != '-')) {
            return Optional.empty();
        }
        String text = new String(value, 0, LENGTH, StandardCharsets.ISO_8859_1);
        if (text.charAt(2) != '-' || text.charAt(35) != '-' || text.charAt(52) != '-') {
            return Optional.empty();
        }
        String version = text.substring(0, 2);
        String traceId = text.substring(3, 35);
        String spanId = text.substring(36, 52);
        String flags = text.substring(53, 55);
        if (!isLowerHex(version) || version.equals("ff") || (version.equals("00") && value.length != LENGTH)) {
            return Optional.empty();
        }
        if (!isLowerHex(traceId) || !isLowerHex(spanId) || !isLowerHex(flags)) {
            return Optional.empty();
        }
        if (traceId.equals(INVALID_TRACE) || spanId.equals(INVALID_SPAN)) {
            return Optional.empty();
        }
        return Optional.of(new TraceParent(traceId, spanId, Integer.parseInt(flags, 16)));
    }

    /** A new sampled root context with random ids. */
    public static TraceParent newRoot(RandomGenerator random) {
        String traceId;
        do {
            traceId = hex(random.nextLong()) + hex(random.nextLong());
        } while (traceId.equals(INVALID_TRACE));
        String spanId;
        do {
            spanId = hex(random.nextLong());
        } while (spanId.equals(INVALID_SPAN));
        return new TraceParent(traceId, spanId, 1);
    }

    /**
     * The distinct, valid traceparents of {@code records}' {@value #HEADER} headers, in record order, at most
     * {@code max} of them: a batch span links to its records' contexts, boundedly.
     */
    public static List<TraceParent> of(List<SinkRecord> records, int max) {
        Set<TraceParent> found = new LinkedHashSet<>();
        for (SinkRecord record : records) {
            if (found.size() >= max) {
                break;
            }
            for (SinkRecord.Header header : record.headers()) {
                if (header.key().equals(HEADER)) {
                    parse(header.value()).ifPresent(found::add);
                }
            }
        }
        return new ArrayList<>(found);
    }

    /** The header text. */
    public String header() {
        return "00-" + traceId + "-" + spanId + "-" + String.format("%02x", flags & 0xff);
    }

    @Override
    public String toString() {
        return header();
    }

    private static boolean isLowerHex(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static String hex(long value) {
        String digits = Long.toHexString(value);
        return "0".repeat(16 - digits.length()) + digits;
    }
}
