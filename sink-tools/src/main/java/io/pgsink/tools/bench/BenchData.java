package io.pgsink.tools.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * The benchmark's records: a payment event per id, about 250 bytes of JSON keyed by account, derived from the id
 * alone (and the time it is sent), so every measurement writes the same rows into a table of the same shape.
 */
final class BenchData {

    /** The columns an event sets; {@code written_at} takes its default, the time of the insert. */
    static final String COLUMNS = "id, account, amount, at, payload, sent_at";

    private static final Instant EVENT_EPOCH = Instant.parse("2026-11-01T08:00:00Z");
    private static final String[] CHANNELS = {"web", "mobile", "pos", "api"};
    private static final String[] COUNTRIES = {"DE", "FR", "NL", "PL", "ES", "IT"};
    private static final String[] TAGS = {"gift", "express", "promo", "b2b", "repeat", "new"};

    private BenchData() {}

    /** The table every measurement writes to, under a name of its own. */
    static String createTable(String table) {
        return "CREATE TABLE " + table + " ("
                + " id bigint PRIMARY KEY,"
                + " account text NOT NULL,"
                + " amount numeric(14,2) NOT NULL,"
                + " at timestamptz NOT NULL,"
                + " payload jsonb NOT NULL,"
                + " sent_at timestamptz NOT NULL,"
                + " written_at timestamptz NOT NULL DEFAULT clock_timestamp())";
    }

    /** One event's column values as PostgreSQL accepts them in text form. */
    record Event(long id, String account, String amount, String at, String payload, String sentAt) {

        byte[] key() {
            return account.getBytes(StandardCharsets.UTF_8);
        }

        byte[] json() {
            return ("{\"id\":" + id + ",\"account\":\"" + account + "\",\"amount\":" + amount + ",\"at\":\"" + at
                            + "\",\"payload\":" + payload + ",\"sent_at\":\"" + sentAt + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }

        /** The event as one line of COPY text format, in {@link #COLUMNS} order. */
        void appendCopyLine(StringBuilder out) {
            out.append(id)
                    .append('\t')
                    .append(copyText(account))
                    .append('\t')
                    .append(amount)
                    .append('\t')
                    .append(at)
                    .append('\t')
                    .append(copyText(payload))
                    .append('\t')
                    .append(sentAt)
                    .append('\n');
        }
    }

    static Event event(long id, Instant sentAt) {
        return event(id, id, sentAt);
    }

    /** The event of {@code id} with values drawn from {@code seed}: another version of the same row. */
    static Event event(long id, long seed, Instant sentAt) {
        SplittableRandom random = new SplittableRandom(seed);
        String account = "ACC-" + pad(random.nextInt(50_000), 6);
        long cents = random.nextLong(100, 100_000_000);
        String amount = cents / 100 + "." + pad((int) (cents % 100), 2);
        String channel = CHANNELS[random.nextInt(CHANNELS.length)];
        String payload = "{\"channel\":\"" + channel + "\",\"country\":\""
                + COUNTRIES[random.nextInt(COUNTRIES.length)] + "\",\"items\":" + (1 + random.nextInt(9))
                + ",\"sku\":\"SKU-" + pad(random.nextInt(100_000), 5) + "\",\"tags\":[\""
                + TAGS[random.nextInt(TAGS.length)] + "\",\"" + TAGS[random.nextInt(TAGS.length)]
                + "\"],\"note\":\"order " + id + " for " + account + " via " + channel + "\"}";
        return new Event(id, account, amount, EVENT_EPOCH.plusMillis(seed * 37).toString(), payload, sentAt.toString());
    }

    private static String pad(int value, int width) {
        String digits = Integer.toString(value);
        return "0".repeat(Math.max(0, width - digits.length())) + digits;
    }

    private static String copyText(String value) {
        return value.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r");
    }
}
