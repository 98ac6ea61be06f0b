package io.pgsink.testing;

import io.pgsink.tools.embedded.EmbeddedKafka;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.apache.kafka.common.utils.Exit;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The one place that decides which Kafka and PostgreSQL the integration tests use, started once per test JVM:
 * external services when {@code PGSINK_TEST_KAFKA_BOOTSTRAP} / {@code PGSINK_TEST_JDBC_URL} are set (user and
 * password from {@code PGSINK_TEST_JDBC_USER} / {@code PGSINK_TEST_JDBC_PASSWORD}); Testcontainers where Docker
 * runs; otherwise the embedded KRaft broker and zonky PostgreSQL. Tests never care which. PostgreSQL comes from
 * sink-core's {@link TestDatabase}, so both modules' tests choose it the same way.
 */
public final class TestServices {

    private static TestServices instance;

    private final String kafkaBootstrap;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String description;

    private TestServices(String kafkaBootstrap, String jdbcUrl, String user, String password, String description) {
        this.kafkaBootstrap = kafkaBootstrap;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.description = description;
    }

    public static synchronized TestServices get() {
        if (instance == null) {
            instance = start(System.getenv());
        }
        return instance;
    }

    private static TestServices start(Map<String, String> env) {
        String kafka = env.get("PGSINK_TEST_KAFKA_BOOTSTRAP");
        String kafkaKind = "external Kafka";
        if (kafka == null) {
            boolean docker = Docker.available();
            kafka = docker ? startKafkaContainer() : startEmbeddedKafka();
            kafkaKind = docker ? "Testcontainers Kafka" : "embedded KRaft Kafka";
        }
        TestDatabase db = TestDatabase.get();
        return new TestServices(
                kafka, db.jdbcUrl(), db.user(), db.password(), kafkaKind + " + " + db.kindDescription());
    }

    private static String startKafkaContainer() {
        // Same broker behaviour as the embedded one: a test that forgets createTopic fails everywhere, not only there.
        KafkaContainer kafka =
                new KafkaContainer("apache/kafka:4.1.1").withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        kafka.start();
        return kafka.getBootstrapServers();
    }

    private static String startEmbeddedKafka() {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // The broker stops while the JVM exits, next to other shutdown hooks; a fault it meets then (a log
            // directory gone, a thread interrupted) makes Kafka halt the JVM with status 1, and the test run, all
            // of whose tests passed, fails ("Error occurred in starting fork"). Kafka's exits are only logged here.
            Exit.setHaltProcedure(TestServices::ignoredExit);
            Exit.setExitProcedure(TestServices::ignoredExit);
            closeQuietly(kafka);
        }));
        return kafka.bootstrapServers();
    }

    private static void ignoredExit(int status, String message) {
        System.err.println("embedded Kafka asked to end the JVM with status " + status + " while stopping (" + message
                + "); ignored, the JVM is exiting anyway");
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            // The JVM is exiting; nothing to do about a service that did not stop cleanly.
        }
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String dbUser() {
        return user;
    }

    public String dbPassword() {
        return password;
    }

    public String kindDescription() {
        return description;
    }

    public Connection openConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    public void createTopic(String name, int partitions) {
        EmbeddedKafka.createTopic(kafkaBootstrap, name, partitions);
    }
}
