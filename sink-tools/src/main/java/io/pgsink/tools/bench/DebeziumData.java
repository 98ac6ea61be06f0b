package io.pgsink.tools.bench;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The Debezium row's records: change events of a source table shaped like the bench's own, as Debezium's
 * PostgreSQL connector writes them through {@code JsonConverter} with {@code schemas.enable=true} (the format of
 * {@code src/test/resources/debezium/}: a schema and a payload in every key and value, {@code REPLICA IDENTITY FULL}
 * before-images, each delete followed by a tombstone). Creates and updates over a key space a fifth of the record
 * count, and deletes of existing keys, drawn from a fixed seed; keyed by the primary key as Debezium keys them, so
 * one key's events share a partition and keep their order. The bench also knows the table they must leave.
 */
final class DebeziumData {

    /** Keys drawn from records / 5 ids: about five events per key, so most writes update an existing row. */
    static final int RECORDS_PER_KEY = 5;
    /** Of the events on an existing key, this percentage deletes it (the delete and its tombstone). */
    static final int DELETE_PERCENT = 15;

    private static final long SEED = 20_261_130L;
    private static final String NAME = "bench.public.payments";
    private static final String ROW_FIELDS = "[{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"},"
            + "{\"type\":\"string\",\"optional\":false,\"field\":\"account\"},"
            + "{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,"
            + "\"parameters\":{\"scale\":\"2\",\"connect.decimal.precision\":\"14\"},\"field\":\"amount\"},"
            + "{\"type\":\"string\",\"optional\":false,\"name\":\"io.debezium.time.ZonedTimestamp\",\"version\":1,"
            + "\"field\":\"at\"},"
            + "{\"type\":\"string\",\"optional\":false,\"name\":\"io.debezium.data.Json\",\"version\":1,"
            + "\"field\":\"payload\"},"
            + "{\"type\":\"string\",\"optional\":false,\"name\":\"io.debezium.time.ZonedTimestamp\",\"version\":1,"
            + "\"field\":\"sent_at\"}]";
    /** Debezium 3.6's source block and transaction block schemas, as recorded. */
    private static final String SOURCE_SCHEMA = "{\"type\":\"struct\",\"fields\":["
            + "{\"type\":\"string\",\"optional\":false,\"field\":\"version\"},"
            + "{\"type\":\"string\",\"optional\":false,\"field\":\"connector\"},"
            + "{\"type\":\"string\",\"optional\":false,\"field\":\"name\"},"
            + "{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"},"
            + "{\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.data.Enum\",\"version\":1,\"parameters\":"
            + "{\"allowed\":\"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental\"},"
            + "\"default\":\"false\",\"field\":\"snapshot\"},"
            + "{\"type\":\"string\",\"optional\":false,\"field\":\"db\"},"
            + "{\"type\":\"string\",\"optional\":true,\"field\":\"sequence\"},"
            + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_us\"},"
            + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ns\"},"
            + "{\"type\":\"string\",\"optional\":false,\"field\":\"schema\"},"
            + "{\"type\":\"string\",\"optional\":false,\"field\":\"table\"},"
            + "{\"type\":\"int64\",\"optional\":true,\"field\":\"txId\"},"
            + "{\"type\":\"int64\",\"optional\":true,\"field\":\"lsn\"},"
            + "{\"type\":\"int64\",\"optional\":true,\"field\":\"xmin\"},"
            + "{\"type\":\"string\",\"optional\":true,\"field\":\"origin\"},"
            + "{\"type\":\"int64\",\"optional\":true,\"field\":\"origin_lsn\"}],"
            + "\"optional\":false,\"name\":\"io.debezium.connector.postgresql.Source\",\"version\":1,\"field\":\"source\"}";

    private static final String TRANSACTION_SCHEMA = "{\"type\":\"struct\",\"fields\":["
            + "{\"type\":\"string\",\"optional\":false,\"field\":\"id\"},"
            + "{\"type\":\"int64\",\"optional\":false,\"field\":\"total_order\"},"
            + "{\"type\":\"int64\",\"optional\":false,\"field\":\"data_collection_order\"}],"
            + "\"optional\":true,\"name\":\"event.block\",\"version\":1,\"field\":\"transaction\"}";
    private static final String VALUE_SCHEMA = "{\"type\":\"struct\",\"fields\":[" + row("before") + "," + row("after")
            + "," + SOURCE_SCHEMA + "," + TRANSACTION_SCHEMA + ","
            + "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
            + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"},"
            + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_us\"},"
            + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ns\"}],"
            + "\"optional\":false,\"name\":\"" + NAME + ".Envelope\",\"version\":2}";
    private static final String KEY_SCHEMA =
            "{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"}],"
                    + "\"optional\":false,\"name\":\"" + NAME + ".Key\"}";
    private static final long SOURCE_EPOCH_MS =
            Instant.parse("2026-11-30T08:00:00Z").toEpochMilli();

    /**
     * What was published, and the table it must leave.
     *
     * @param records records published, tombstones included
     * @param bytes their keys' and values' bytes
     * @param versions for each id, the seed of its last written version, or -1 when its last event deleted it
     * @param sentAt the {@code sent_at} every event carries
     */
    record Published(
            long records,
            long bytes,
            long creates,
            long updates,
            long deletes,
            long tombstones,
            long[] versions,
            Instant sentAt) {

        long expectedRows() {
            return Arrays.stream(versions).filter(v -> v >= 0).count();
        }

        /** The rows the table must hold, by id. */
        void forEachExpectedRow(Consumer<BenchData.Event> action) {
            for (int id = 0; id < versions.length; id++) {
                if (versions[id] >= 0) {
                    action.accept(BenchData.event(id, versions[id], sentAt));
                }
            }
        }

        String mix() {
            return String.format(
                    "%,d creates, %,d updates, %,d deletes, %,d tombstones over %,d ids; %,d rows expected",
                    creates, updates, deletes, tombstones, versions.length, expectedRows());
        }
    }

    private final BiConsumer<byte[], byte[]> sink;
    private final Instant sentAt;
    private long bytes;
    private long creates;
    private long updates;
    private long deletes;
    private long step;

    private DebeziumData(BiConsumer<byte[], byte[]> sink, Instant sentAt) {
        this.sink = sink;
        this.sentAt = sentAt;
    }

    /** Publishes {@code records} records (tombstones included) to {@code topic} and waits for their acks. */
    static Published publish(BenchKafka kafka, String topic, int records) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = kafka.orderedProducer()) {
            Published published = generate(
                    records,
                    Instant.now(),
                    (key, value) -> producer.send(
                            new ProducerRecord<>(topic, key, value), (metadata, e) -> failure.compareAndSet(null, e)));
            producer.flush();
            if (failure.get() != null) {
                // A lost event would leave a table the bench cannot predict.
                throw new IllegalStateException("publishing the Debezium events failed", failure.get());
            }
            return published;
        }
    }

    /** Hands {@code records} records to {@code sink} as keys and values (null: a tombstone), in offset order. */
    static Published generate(int records, Instant sentAt, BiConsumer<byte[], byte[]> sink) {
        DebeziumData data = new DebeziumData(sink, sentAt);
        long[] versions = data.generate(records);
        return new Published(
                records, data.bytes, data.creates, data.updates, data.deletes, data.deletes, versions, sentAt);
    }

    private long[] generate(int records) {
        SplittableRandom random = new SplittableRandom(SEED);
        long[] versions = new long[Math.max(1, records / RECORDS_PER_KEY)];
        Arrays.fill(versions, -1);
        long sent = 0;
        while (sent < records) {
            int id = random.nextInt(versions.length);
            long old = versions[id];
            step++;
            if (old >= 0 && records - sent >= 2 && random.nextInt(100) < DELETE_PERCENT) {
                send(id, change("d", BenchData.event(id, old, sentAt), null));
                send(id, null);
                versions[id] = -1;
                deletes++;
                sent += 2;
            } else {
                BenchData.Event before = old >= 0 ? BenchData.event(id, old, sentAt) : null;
                send(id, change(old >= 0 ? "u" : "c", before, BenchData.event(id, step, sentAt)));
                versions[id] = step;
                creates += old >= 0 ? 0 : 1;
                updates += old >= 0 ? 1 : 0;
                sent++;
            }
        }
        return versions;
    }

    private void send(long id, String value) {
        byte[] key =
                ("{\"schema\":" + KEY_SCHEMA + ",\"payload\":{\"id\":" + id + "}}").getBytes(StandardCharsets.UTF_8);
        byte[] bytesOfValue = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        bytes += key.length + (bytesOfValue == null ? 0 : bytesOfValue.length);
        sink.accept(key, bytesOfValue);
    }

    /** A change event with the schema envelope; {@code before} or {@code after} null as the operation has them. */
    private String change(String op, BenchData.Event before, BenchData.Event after) {
        long ms = SOURCE_EPOCH_MS + step;
        long lsn = 24_000_000L + step * 120;
        StringBuilder json = new StringBuilder(4096)
                .append("{\"schema\":")
                .append(VALUE_SCHEMA)
                .append(",\"payload\":{\"before\":");
        appendRow(json, before);
        json.append(",\"after\":");
        appendRow(json, after);
        json.append(
                        ",\"source\":{\"version\":\"3.6.1.Final\",\"connector\":\"postgresql\",\"name\":\"bench\",\"ts_ms\":")
                .append(ms)
                .append(",\"snapshot\":\"false\",\"db\":\"postgres\",\"sequence\":\"[null,\\\"")
                .append(lsn)
                .append("\\\"]\",\"ts_us\":")
                .append(ms * 1_000)
                .append(",\"ts_ns\":")
                .append(ms * 1_000_000)
                .append(",\"schema\":\"public\",\"table\":\"payments\",\"txId\":")
                .append(700 + step)
                .append(",\"lsn\":")
                .append(lsn)
                .append(",\"xmin\":null,\"origin\":null,\"origin_lsn\":null},\"transaction\":null,\"op\":\"")
                .append(op)
                .append("\",\"ts_ms\":")
                .append(ms + 3)
                .append(",\"ts_us\":")
                .append((ms + 3) * 1_000)
                .append(",\"ts_ns\":")
                .append((ms + 3) * 1_000_000)
                .append("}}");
        return json.toString();
    }

    /** A row image as JsonConverter writes it: numeric as base64 of the unscaled value, jsonb as its text. */
    private static void appendRow(StringBuilder json, BenchData.Event e) {
        if (e == null) {
            json.append("null");
            return;
        }
        byte[] unscaled = new BigInteger(e.amount().replace(".", "")).toByteArray();
        json.append("{\"id\":")
                .append(e.id())
                .append(",\"account\":\"")
                .append(e.account())
                .append("\",\"amount\":\"")
                .append(Base64.getEncoder().encodeToString(unscaled))
                .append("\",\"at\":\"")
                .append(e.at())
                .append("\",\"payload\":\"")
                .append(e.payload().replace("\\", "\\\\").replace("\"", "\\\""))
                .append("\",\"sent_at\":\"")
                .append(e.sentAt())
                .append("\"}");
    }

    private static String row(String field) {
        return "{\"type\":\"struct\",\"fields\":" + ROW_FIELDS + ",\"optional\":true,\"name\":\"" + NAME
                + ".Value\",\"field\":\"" + field + "\"}";
    }
}
