package io.pgsink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonValuesTest {

    private static String json(Map<String, Object> columns) {
        return new String(JsonValues.object(columns), StandardCharsets.UTF_8);
    }

    @Test
    void javaValuesBecomeTheJsonARecordWouldCarry() {
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("n", null);
        columns.put("i", 7);
        columns.put("big", new BigInteger("123456789012345678901234567890"));
        columns.put("dec", new BigDecimal("1E+3"));
        columns.put("b", true);
        columns.put("u", UUID.fromString("7d444840-9dc0-11d1-b245-5ffdce74fad2"));
        columns.put("at", Instant.parse("2026-11-30T10:15:30.5Z"));
        columns.put("z", ZonedDateTime.of(2026, 11, 30, 11, 0, 0, 0, ZoneId.of("Europe/Paris")));
        columns.put("d", LocalDate.of(2026, 12, 24));
        columns.put("bytes", new byte[] {1, 2, (byte) 255});
        columns.put("list", List.of("a", 1));
        columns.put("ints", new int[] {1, 2});
        columns.put("obj", Map.of("k", "v"));
        columns.put("e", Thread.State.NEW);

        assertThat(json(columns))
                .isEqualTo("{\"n\":null,\"i\":7,\"big\":123456789012345678901234567890,\"dec\":1000,\"b\":true,"
                        + "\"u\":\"7d444840-9dc0-11d1-b245-5ffdce74fad2\",\"at\":\"2026-11-30T10:15:30.500Z\","
                        + "\"z\":\"2026-11-30T11:00+01:00\",\"d\":\"2026-12-24\",\"bytes\":\"AQL/\","
                        + "\"list\":[\"a\",1],\"ints\":[1,2],\"obj\":{\"k\":\"v\"},\"e\":\"NEW\"}");
    }

    @Test
    void aValueOfATypeWithNoMappingIsRefusedNamingItsColumnAndTypeNotItsValue() {
        assertThatThrownBy(() -> json(Map.of("when", new java.util.Date(0))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column \"when\"")
                .hasMessageContaining("java.util.Date")
                .hasMessageNotContaining("1970");
    }
}
