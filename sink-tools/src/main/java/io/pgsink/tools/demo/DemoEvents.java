package io.pgsink.tools.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** A realistic, reproducible stream of order events, and the few bad ones the demo mixes in. */
final class DemoEvents {

    static final String TABLE_DDL = "CREATE TABLE demo_events ("
            + " id uuid PRIMARY KEY,"
            + " customer_id bigint NOT NULL,"
            + " kind text NOT NULL CHECK (kind IN ('order_placed', 'order_paid', 'order_shipped', 'order_refunded')),"
            + " amount numeric(12,2),"
            + " currency varchar(3),"
            + " tags text[],"
            + " attributes jsonb,"
            + " occurred_at timestamptz NOT NULL)";

    private static final String[] KINDS = {"order_placed", "order_paid", "order_shipped", "order_refunded"};
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "CHF"};
    private static final String[] TAGS = {"mobile", "web", "promo", "gift", "express", "b2b"};
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event as published: its key and JSON value. */
    record Event(byte[] key, byte[] value, ObjectNode json, boolean bad, String why) {}

    private DemoEvents() {}

    static List<Event> generate(int count, long seed) {
        Random random = new Random(seed);
        List<Event> events = new ArrayList<>(count + 5);
        Instant start = Instant.parse("2026-11-01T08:00:00Z");
        for (int i = 0; i < count; i++) {
            ObjectNode e = JSON.createObjectNode();
            long customer = 1 + random.nextInt(5_000);
            e.put("id", new UUID(random.nextLong(), random.nextLong()).toString());
            e.put("customer_id", customer);
            e.put("kind", KINDS[random.nextInt(KINDS.length)]);
            e.put("amount", BigDecimal.valueOf(random.nextInt(1_000_000), 2));
            e.put("currency", CURRENCIES[random.nextInt(CURRENCIES.length)]);
            e.putArray("tags").add(TAGS[random.nextInt(TAGS.length)]).add(TAGS[random.nextInt(TAGS.length)]);
            ObjectNode attributes = e.putObject("attributes");
            attributes.put("items", 1 + random.nextInt(9));
            attributes.putObject("shipping").put("country", "DE").put("express", random.nextBoolean());
            e.put("occurred_at", start.plusMillis(i * 37L).toString());
            e.put("source", "demo"); // not a column: ignored, as schemaless input usually carries extras
            events.add(good(customer, e));
        }
        return events;
    }

    /** The bad events the demo publishes among the good ones, each for a different reason. */
    static List<Event> bad() {
        List<Event> bad = new ArrayList<>();
        bad.add(raw("not json", "{\"id\": \"broken", "invalid JSON"));
        ObjectNode missing = base("11111111-1111-4111-8111-111111111111");
        missing.remove("kind");
        missing.putNull("kind");
        bad.add(new Event(key(7), bytes(missing), missing, true, "NOT NULL violation (kind is null)"));
        ObjectNode check = base("22222222-2222-4222-8222-222222222222").put("kind", "order_teleported");
        bad.add(new Event(key(7), bytes(check), check, true, "CHECK violation (unknown kind)"));
        ObjectNode tooLong = base("33333333-3333-4333-8333-333333333333").put("currency", "EURO");
        bad.add(new Event(key(7), bytes(tooLong), tooLong, true, "currency too long for varchar(3)"));
        ObjectNode badTime = base("44444444-4444-4444-8444-444444444444").put("occurred_at", "last tuesday");
        bad.add(new Event(key(7), bytes(badTime), badTime, true, "unparseable timestamp"));
        return bad;
    }

    private static ObjectNode base(String id) {
        ObjectNode e = JSON.createObjectNode();
        e.put("id", id)
                .put("customer_id", 7)
                .put("kind", "order_placed")
                .put("amount", new BigDecimal("9.99"))
                .put("currency", "EUR")
                .put("occurred_at", "2026-11-01T08:00:00Z");
        return e;
    }

    private static Event good(long customer, ObjectNode json) {
        return new Event(key(customer), bytes(json), json, false, null);
    }

    private static Event raw(String name, String value, String why) {
        return new Event(
                name.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), null, true, why);
    }

    private static byte[] key(long customer) {
        return ("customer-" + customer).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ObjectNode json) {
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
