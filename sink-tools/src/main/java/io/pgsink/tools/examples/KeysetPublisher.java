package io.pgsink.tools.examples;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Reads the source table in primary key order, one page at a time ({@code WHERE id > last ORDER BY id LIMIT n}, a
 * keyset page: each costs the same however deep into the table it is), publishes each row as JSON keyed by its id,
 * and after the page is acknowledged by Kafka records the page's last id in the checkpoint table of the target
 * database. After a kill it starts after the checkpoint: at most the pages published since the last checkpoint are
 * published again, which the worker's upsert by primary key makes harmless.
 */
final class KeysetPublisher {

    static final int PAGE_ROWS = 5_000;
    private static final String PAGE = "SELECT id, row_to_json(o)::text FROM " + MigrationTables.TABLE
            + " o WHERE id > ? ORDER BY id LIMIT " + PAGE_ROWS;

    private final Connection source;
    private final Connection target;
    private final String topic;
    private final String bootstrap;

    KeysetPublisher(Connection source, Connection target, String bootstrap, String topic) {
        this.source = source;
        this.target = target;
        this.bootstrap = bootstrap;
        this.topic = topic;
    }

    /** The checkpoint: last id published and rows published so far; {@code (0, 0)} before the first page. */
    record Checkpoint(long lastId, long published) {}

    Checkpoint checkpoint() throws SQLException {
        try (PreparedStatement ps = target.prepareStatement(
                "SELECT last_id, rows_published FROM " + MigrationTables.CHECKPOINT + " WHERE source_table = ?")) {
            ps.setString(1, MigrationTables.TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Checkpoint(rs.getLong(1), rs.getLong(2)) : new Checkpoint(0, 0);
            }
        }
    }

    /** Publishes every row after the checkpoint; {@code progress} gets the rows published so far after each page. */
    Checkpoint publish(LongConsumer progress) throws SQLException, InterruptedException {
        Checkpoint at = checkpoint();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            while (true) {
                Checkpoint next = publishPage(producer, at);
                if (next.lastId() == at.lastId()) {
                    return at;
                }
                save(next);
                at = next;
                progress.accept(at.published());
            }
        }
    }

    private Checkpoint publishPage(KafkaProducer<byte[], byte[]> producer, Checkpoint from)
            throws SQLException, InterruptedException {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long lastId = from.lastId();
        long rows = 0;
        try (PreparedStatement ps = source.prepareStatement(PAGE)) {
            ps.setLong(1, from.lastId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lastId = rs.getLong(1);
                    rows++;
                    producer.send(record(lastId, rs.getString(2)), (m, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
                }
            }
        }
        // The checkpoint may only move past rows Kafka has acknowledged: flush, then look for a failed send.
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("publishing to " + topic + " failed: " + failure.get(), failure.get());
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return new Checkpoint(lastId, from.published() + rows);
    }

    private ProducerRecord<byte[], byte[]> record(long id, String json) {
        return new ProducerRecord<>(
                topic, Long.toString(id).getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    private void save(Checkpoint c) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("INSERT INTO " + MigrationTables.CHECKPOINT
                + " (source_table, last_id, rows_published) VALUES (?, ?, ?) ON CONFLICT (source_table)"
                + " DO UPDATE SET last_id = excluded.last_id, rows_published = excluded.rows_published,"
                + " updated_at = now()")) {
            ps.setString(1, MigrationTables.TABLE);
            ps.setLong(2, c.lastId());
            ps.setLong(3, c.published());
            ps.executeUpdate();
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        10,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        262_144),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }
}
