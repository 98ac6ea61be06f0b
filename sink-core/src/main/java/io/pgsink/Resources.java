package io.pgsink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgsink.config.SinkConfig;
import io.pgsink.deadletter.DeadLetterHeaders;
import io.pgsink.deadletter.DeadLetterSink;
import io.pgsink.deadletter.KafkaDeadLetterSink;
import io.pgsink.model.TableRef;
import io.pgsink.write.TableWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The worker's external resources: connection pool, table writer, Kafka consumer and dead-letter producer.
 * Opened in that order, closed in reverse by {@link #closeAll}.
 */
final class Resources {

    /** How long a writer waits for a pooled connection before treating it as a transient failure. */
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    /** How much longer than statement_timeout the client waits on a silent socket before giving up on it. */
    private static final Duration SOCKET_GRACE = Duration.ofSeconds(30);

    private final HikariDataSource pool;
    private final TableWriter tableWriter;
    private final DeadLetterSink deadLetters;
    private final Consumer<byte[], byte[]> consumer;

    private Resources(HikariDataSource pool, TableWriter tableWriter, DeadLetterSink deadLetters,
                      Consumer<byte[], byte[]> consumer) {
        this.pool = pool;
        this.tableWriter = tableWriter;
        this.deadLetters = deadLetters;
        this.consumer = consumer;
    }

    static Resources open(SinkConfig config) {
        String workerId = "pgsink-" + UUID.randomUUID().toString().substring(0, 8);
        HikariDataSource pool = new HikariDataSource(poolConfig(config));
        DeadLetterSink deadLetters = null;
        try {
            TableWriter tableWriter = TableWriter.open(pool, TableRef.parse(config.table()), config.writeMode(),
                config.keyColumns(), config.unknownFields(), config.writeMethod());
            deadLetters = new KafkaDeadLetterSink(producerConfig(config, workerId),
                config::deadLetterTopicFor, new DeadLetterHeaders(config.groupId(), workerId),
                config.deadLetterTimeout());
            Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(config, workerId),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
            return new Resources(pool, tableWriter, deadLetters, consumer);
        } catch (SQLException e) {
            closeQuietly(deadLetters, pool);
            throw new IllegalStateException("cannot read table " + config.table() + " from "
                + config.redactedPostgresUrl() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(deadLetters, pool);
            throw e;
        }
    }

    TableWriter tableWriter() {
        return tableWriter;
    }

    DeadLetterSink deadLetters() {
        return deadLetters;
    }

    Consumer<byte[], byte[]> consumer() {
        return consumer;
    }

    /** Closes what the poll thread does not: the dead-letter producer, then the pool. */
    void closeAll(List<Exception> failures) {
        try {
            deadLetters.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        pool.close();
    }

    /** After a failed start: the consumer never ran, so it is closed here too. */
    void closeQuietly(RuntimeException cause) {
        try {
            consumer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        closeQuietly(deadLetters, pool);
    }

    private static void closeQuietly(DeadLetterSink deadLetters, HikariDataSource pool) {
        if (deadLetters != null) {
            deadLetters.close();
        }
        pool.close();
    }

    private static HikariConfig poolConfig(SinkConfig config) {
        Properties overrides = new Properties();
        overrides.putAll(config.poolOverrides());
        HikariConfig hikari = new HikariConfig(overrides);
        hikari.setPoolName("pgsink");
        hikari.setJdbcUrl(config.postgresUrl());
        hikari.setUsername(config.postgresUser());
        hikari.setPassword(config.postgresPassword());
        if (!config.poolOverrides().containsKey("maximumPoolSize")) {
            hikari.setMaximumPoolSize(config.writeConcurrency() + 1);
        }
        if (!config.poolOverrides().containsKey("connectionTimeout")) {
            hikari.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        }
        // An integer from validated config, not user text: safe to splice.
        hikari.setConnectionInitSql("SET statement_timeout = " + config.statementTimeout().toMillis());
        // Keep row values out of exceptions: PostgreSQL's Detail line quotes the offending row.
        hikari.addDataSourceProperty("logServerErrorDetail", "false");
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        hikari.addDataSourceProperty("ApplicationName", "pgsink");
        // statement_timeout is enforced by the server; a half-open TCP connection needs a client-side bound too.
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        if (!config.statementTimeout().isZero()) {
            hikari.addDataSourceProperty("socketTimeout",
                Long.toString(config.statementTimeout().plus(SOCKET_GRACE).toSeconds()));
        }
        return hikari;
    }

    private static Map<String, Object> consumerConfig(SinkConfig config, String workerId) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        c.putAll(config.consumerOverrides());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, workerId);
        return c;
    }

    private static Map<String, Object> producerConfig(SinkConfig config, String workerId) {
        Map<String, Object> p = new HashMap<>();
        // The dead-letter producer talks to the same cluster: it needs the consumer's connection security.
        config.consumerOverrides().forEach((key, value) -> {
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                p.put(key, value);
            }
        });
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, workerId + "-deadletter");
        return p;
    }
}
