package io.pgsink.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TraceParentTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void readsAValidVersion00Header() {
        TraceParent parent = TraceParent.parse(bytes(VALID)).orElseThrow();

        assertThat(parent.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(parent.spanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(parent.flags()).isEqualTo(1);
        assertThat(parent.header()).isEqualTo(VALID);
    }

    @Test
    void treatsMalformedHeadersAsAbsent() {
        assertThat(TraceParent.parse(null)).isEmpty();
        assertThat(TraceParent.parse(bytes(VALID.toUpperCase()))).isEmpty();
        assertThat(TraceParent.parse(bytes(VALID + "-extra")))
                .as("version 00 has no extra fields")
                .isEmpty();
        assertThat(TraceParent.parse(bytes(VALID.substring(0, 54)))).isEmpty();
        assertThat(TraceParent.parse(bytes("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01")))
                .isEmpty();
        assertThat(TraceParent.parse(bytes("00-4bf92f3577b34da6a3ce929d0e0e4736-" + "0".repeat(16) + "-01")))
                .isEmpty();
        assertThat(TraceParent.parse(bytes("ff" + VALID.substring(2)))).isEmpty();
        assertThat(TraceParent.parse(bytes(VALID.replace('-', '_')))).isEmpty();
    }

    @Test
    void acceptsAFutureVersionWithExtraFields() {
        assertThat(TraceParent.parse(bytes("01" + VALID.substring(2) + "-future")))
                .isPresent();
    }

    @Test
    void newRootsAreValidAndDistinct() {
        SplittableRandom random = new SplittableRandom(7);
        TraceParent first = TraceParent.newRoot(random);
        TraceParent second = TraceParent.newRoot(random);

        assertThat(TraceParent.parse(bytes(first.header()))).contains(first);
        assertThat(first.traceId()).hasSize(32).isNotEqualTo(second.traceId());
        assertThat(first.spanId()).hasSize(16);
    }

    @Test
    void collectsDistinctRecordContextsUpToTheBound() {
        String other = "00-11111111111111111111111111111111-2222222222222222-00";
        List<SinkRecord> records = List.of(
                record(0, VALID),
                record(1, VALID),
                record(2, "garbage"),
                record(3, other),
                record(4, "00-33333333333333333333333333333333-4444444444444444-01"));

        assertThat(TraceParent.of(records, 2)).extracting(TraceParent::header).containsExactly(VALID, other);
    }

    private static SinkRecord record(long offset, String traceparent) {
        return new SinkRecord(
                "t",
                0,
                offset,
                0L,
                null,
                bytes("{}"),
                List.of(new SinkRecord.Header("traceparent", bytes(traceparent))));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
