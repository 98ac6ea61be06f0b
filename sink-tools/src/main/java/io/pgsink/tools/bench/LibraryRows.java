package io.pgsink.tools.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The library benchmark's rows: an order per id as an application holds it (typed Java values, the jsonb payload
 * as a map), derived from the id alone, so every variant writes the same rows. Each variant makes its rows as it
 * goes, so the cost of making them is in every figure alike (and measured on its own).
 */
final class LibraryRows {

    static final String TABLE = "bench_library";
    static final String COLUMNS = "id, account, amount, at, payload, ref";

    private static final Instant EPOCH = Instant.parse("2026-11-01T08:00:00Z");
    private static final String[] CHANNELS = {"web", "mobile", "pos", "api"};
    private static final String[] TAGS = {"gift", "express", "promo", "b2b", "repeat", "new"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private LibraryRows() {}

    static String createTable() {
        return "CREATE TABLE " + TABLE + " ("
                + " id bigint PRIMARY KEY,"
                + " account text NOT NULL,"
                + " amount numeric(14,2) NOT NULL,"
                + " at timestamptz NOT NULL,"
                + " payload jsonb NOT NULL,"
                + " ref uuid NOT NULL)";
    }

    /** One order; {@code payload} is what goes to the jsonb column. */
    record Order(long id, String account, BigDecimal amount, OffsetDateTime at, Map<String, Object> payload, UUID ref) {

        /** The order as the library API takes it: values by column name. */
        Map<String, Object> columns() {
            Map<String, Object> columns = new LinkedHashMap<>(8);
            columns.put("id", id);
            columns.put("account", account);
            columns.put("amount", amount);
            columns.put("at", at);
            columns.put("payload", payload);
            columns.put("ref", ref);
            return columns;
        }

        /** The payload as JSON text, which a JDBC program binds to a jsonb parameter itself. */
        String payloadJson() {
            try {
                return JSON.writeValueAsString(payload);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static Order order(long id) {
        SplittableRandom random = new SplittableRandom(id);
        String account = "ACC-" + (100_000 + random.nextInt(50_000));
        BigDecimal amount = BigDecimal.valueOf(random.nextLong(100, 100_000_000), 2);
        Map<String, Object> payload = new LinkedHashMap<>(8);
        String channel = CHANNELS[random.nextInt(CHANNELS.length)];
        payload.put("channel", channel);
        payload.put("items", 1 + random.nextInt(9));
        payload.put("sku", "SKU-" + (10_000 + random.nextInt(90_000)));
        payload.put("tags", List.of(TAGS[random.nextInt(TAGS.length)], TAGS[random.nextInt(TAGS.length)]));
        payload.put("note", "order " + id + " for " + account + " via " + channel);
        OffsetDateTime at = EPOCH.plusMillis(id * 37).atOffset(ZoneOffset.UTC);
        return new Order(id, account, amount, at, payload, new UUID(random.nextLong(), random.nextLong()));
    }
}
