package io.pgsink.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgsink.batch.Batch;
import io.pgsink.config.UnknownFieldPolicy;
import io.pgsink.config.WriteMethod;
import io.pgsink.config.WriteMode;
import io.pgsink.deadletter.DeadLetterSink;
import io.pgsink.deadletter.Rejection;
import io.pgsink.error.FailureClassifier;
import io.pgsink.error.RetryPolicy;
import io.pgsink.error.Sleeper;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TableRef;
import io.pgsink.pg.TargetTable;
import io.pgsink.testing.ManualClock;
import io.pgsink.testing.TestDatabase;
import io.pgsink.testing.TestPool;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the writer does with failures beyond the classifier's table, against a real PostgreSQL: triggers and index
 * limits are the record's problem, a missing foreign-key parent is waited for, a batch that always exceeds
 * statement_timeout is split, and a run of identical rejections stops the writer before it dead-letters the run's
 * last record.
 */
@Timeout(60)
class BatchWriterFailurePolicyTest {

    private final List<Rejection> deadLettered = new CopyOnWriteArrayList<>();
    private final ManualClock clock = new ManualClock();
    private final List<String> retrying = new CopyOnWriteArrayList<>();
    private final List<Duration> backoffs = new CopyOnWriteArrayList<>();
    private final List<Duration> slept = new CopyOnWriteArrayList<>();
    private final AtomicInteger written = new AtomicInteger();
    private final AtomicInteger splits = new AtomicInteger();

    private final List<BatchWriter> writers = new ArrayList<>();

    @AfterEach
    void closeWriters() {
        writers.forEach(BatchWriter::close);
    }

    private BatchWriter writer(DataSource pool, TableRef table, Sleeper sleeper, FailurePolicy policy)
            throws SQLException {
        TargetTable tableWriter =
                TargetTable.open(pool, table, WriteMode.INSERT, List.of(), UnknownFieldPolicy.IGNORE, WriteMethod.COPY);
        DeadLetterSink sink = deadLettered::addAll;
        RetryPolicy retries =
                new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(40), Duration.ZERO, sleeper, clock);
        BatchWriter writer = new BatchWriter(
                tableWriter,
                sink,
                retries,
                new WriteListener() {

                    @Override
                    public void split() {
                        splits.incrementAndGet();
                    }

                    @Override
                    public void retrying(int attempt, Duration backoff, String sqlState, String why) {
                        backoffs.add(backoff);
                        retrying.add(why);
                    }

                    @Override
                    public void handled(int w, int rejected) {
                        written.addAndGet(w);
                    }
                },
                policy);
        writers.add(writer);
        return writer;
    }

    private FailurePolicy policy(Duration foreignKeyRetry, int driftLimit) {
        return new FailurePolicy(FailureClassifier.defaults(), foreignKeyRetry, driftLimit, clock);
    }

    /** A sleeper that moves the manual clock instead of waiting. */
    private Sleeper advancing() {
        return d -> {
            slept.add(d);
            clock.advance(d);
        };
    }

    private static Batch batch(List<String> values) {
        List<SinkRecord> records = new ArrayList<>();
        for (String value : values) {
            byte[] bytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
            records.add(new SinkRecord("events", 0, records.size(), 0L, null, bytes, List.of()));
        }
        return new Batch(records, records.size(), false);
    }

    private static String row(int id, String text) {
        return "{\"id\": " + id + ", \"v\": \"" + text + "\"}";
    }

    @Test
    void aTriggersRaiseAndAValueTooLargeForItsIndexAreDeadLetteredAndTheRestWritten() throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, v text");
        TestPool.execute(TestPool.pool(), "CREATE INDEX ON " + table.quoted() + " (v)");
        TestPool.execute(
                TestPool.pool(),
                "CREATE FUNCTION " + table.name() + "_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.v = 'forbidden' THEN RAISE EXCEPTION 'v is forbidden'; END IF; RETURN NEW; END $$");
        TestPool.execute(
                TestPool.pool(),
                "CREATE TRIGGER guard BEFORE INSERT ON " + table.quoted() + " FOR EACH ROW EXECUTE FUNCTION "
                        + table.name() + "_guard()");
        StringBuilder random = new StringBuilder();
        ThreadLocalRandom.current().ints(10_000, 'a', 'z' + 1).forEach(c -> random.append((char) c));
        List<String> values = new ArrayList<>();
        for (int id = 0; id < 20; id++) {
            values.add(row(id, id == 5 ? "forbidden" : id == 12 ? random.toString() : "ok" + id));
        }
        BatchWriter writer = writer(TestPool.pool(), table, advancing(), policy(Duration.ZERO, 20));

        writer.write(batch(values));

        assertThat(TestPool.count(table)).isEqualTo(18);
        assertThat(deadLettered)
                .extracting(r -> r.record().offset() + ":" + r.sqlState())
                .containsExactlyInAnyOrder("5:P0001", "12:54000");
    }

    @Test
    void aRecordWhoseForeignKeyParentArrivesWhileItWaitsIsWritten() throws Exception {
        TableRef parent = TestPool.createTable("id bigint PRIMARY KEY");
        TableRef child =
                TestPool.createTable("id bigint PRIMARY KEY, parent bigint REFERENCES " + parent.quoted() + ", v text");
        TestPool.execute(TestPool.pool(), "INSERT INTO " + parent.quoted() + " VALUES (1)");
        // The parent arrives (another topic, another writer) during the first wait.
        Sleeper parentArrives = d -> {
            clock.advance(d);
            try {
                TestPool.execute(
                        TestPool.pool(), "INSERT INTO " + parent.quoted() + " VALUES (2) ON CONFLICT DO NOTHING");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
        BatchWriter writer = writer(TestPool.pool(), child, parentArrives, policy(Duration.ofSeconds(5), 20));

        writer.write(batch(
                List.of("{\"id\": 1, \"parent\": 1}", "{\"id\": 2, \"parent\": 2}", "{\"id\": 3, \"parent\": 1}")));

        assertThat(TestPool.count(child)).isEqualTo(3);
        assertThat(deadLettered).isEmpty();
        assertThat(retrying).singleElement().asString().contains("23503");
    }

    @Test
    void aRecordWhoseForeignKeyParentNeverArrivesIsDeadLetteredOnceTheRetryIsSpent() throws Exception {
        TableRef parent = TestPool.createTable("id bigint PRIMARY KEY");
        TableRef child =
                TestPool.createTable("id bigint PRIMARY KEY, parent bigint REFERENCES " + parent.quoted() + ", v text");
        TestPool.execute(TestPool.pool(), "INSERT INTO " + parent.quoted() + " VALUES (1)");
        BatchWriter writer = writer(TestPool.pool(), child, advancing(), policy(Duration.ofSeconds(5), 20));
        List<String> values = new ArrayList<>();
        for (int id = 0; id < 16; id++) {
            values.add("{\"id\": " + id + ", \"parent\": " + (id == 9 ? 99 : 1) + "}");
        }
        long start = clock.millis();

        writer.write(batch(values));

        assertThat(TestPool.count(child)).isEqualTo(15);
        assertThat(deadLettered).singleElement().satisfies(r -> {
            assertThat(r.record().offset()).isEqualTo(9);
            assertThat(r.sqlState()).isEqualTo("23503");
        });
        // The records waited the whole retry once, not once per bisection step.
        assertThat(clock.millis() - start).isBetween(5_000L, 5_100L);
    }

    @Test
    void aBatchThatAlwaysExceedsStatementTimeoutIsSplitAndTheSlowRecordDeadLettered() throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, v text");
        TestPool.execute(
                TestPool.pool(),
                "CREATE FUNCTION " + table.name() + "_slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.v = 'slow' THEN PERFORM pg_sleep(5); END IF; RETURN NEW; END $$");
        TestPool.execute(
                TestPool.pool(),
                "CREATE TRIGGER slow BEFORE INSERT ON " + table.quoted() + " FOR EACH ROW EXECUTE FUNCTION "
                        + table.name() + "_slow()");
        List<String> values = new ArrayList<>();
        for (int id = 0; id < 8; id++) {
            values.add(row(id, id == 6 ? "slow" : "fast"));
        }
        try (HikariDataSource pool = timingOutPool()) {
            BatchWriter writer = writer(pool, table, advancing(), policy(Duration.ZERO, 20));

            writer.write(batch(values)); // before the fix: retried unchanged for ever (the test times out)
            writer.close();
        }

        assertThat(TestPool.count(table)).isEqualTo(7);
        assertThat(deadLettered).singleElement().satisfies(r -> {
            assertThat(r.record().offset()).isEqualTo(6);
            assertThat(r.sqlState()).isEqualTo("57014");
        });
        assertThat(retrying).isNotEmpty().allSatisfy(why -> assertThat(why).contains("57014"));
        // Each retry reports the wait it is about to take, and takes exactly that.
        assertThat(backoffs).isNotEmpty().allSatisfy(b -> assertThat(b).isPositive());
        assertThat(slept).isEqualTo(backoffs);
    }

    @Test
    void aRunOfIdenticalRejectionsAtATrickleStopsTheWriterBeforeTheRunsLastIsDeadLettered() throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, v text NOT NULL");
        BatchWriter writer = writer(TestPool.pool(), table, advancing(), policy(Duration.ZERO, 3));

        writer.write(batch(List.of(row(1, "a"))));
        writer.write(batch(List.of("{\"id\": 2}")));
        writer.write(batch(List.of("{\"id\": 3}")));
        AtomicReference<String> message = new AtomicReference<>();
        assertThatThrownBy(() -> writer.write(batch(List.of("{\"id\": 4}"))))
                .isInstanceOf(FatalWriteException.class)
                .satisfies(e -> message.set(e.getMessage()));

        assertThat(deadLettered).hasSize(2);
        assertThat(message.get())
                .contains("SQLSTATE 23502")
                .contains("column \"v\"")
                .contains(table.toString());
    }

    @Test
    void aBigBatchThatIsAllDriftStopsOnceTheRunIsLongEnoughNotAfterBisectingEveryRecord() throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, v text NOT NULL");
        BatchWriter writer = writer(TestPool.pool(), table, advancing(), policy(Duration.ZERO, 5));
        List<String> values = new ArrayList<>();
        for (int id = 0; id < 1024; id++) {
            values.add(id < 3 ? row(id, "ok") : "{\"id\": " + id + "}");
        }

        assertThatThrownBy(() -> writer.write(batch(values)))
                .isInstanceOf(FatalWriteException.class)
                .hasMessageContaining("5 records in a row");

        assertThat(deadLettered).isEmpty();
        // Down the left edge to the first bad records, not 1,023 splits.
        assertThat(splits.get()).isLessThan(40);
    }

    @Test
    void aBatchOfOnlyTombstonesAndNonObjectsIsDeadLetteredNotFatal() throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, v text");
        BatchWriter writer = writer(TestPool.pool(), table, advancing(), policy(Duration.ZERO, 5));
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            values.add(i % 2 == 0 ? null : "[" + i + "]");
        }

        writer.write(batch(values));

        assertThat(deadLettered).hasSize(30);
    }

    @Test
    void aBurstOfBadRecordsAmongGoodOnesIsDeadLetteredNotFatal() throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, v varchar(3)");
        BatchWriter writer = writer(TestPool.pool(), table, advancing(), policy(Duration.ZERO, 20));
        List<String> values = new ArrayList<>();
        for (int id = 0; id < 12; id++) {
            values.add(row(id, "too long"));
        }

        writer.write(batch(values)); // before the fix: a batch of 10 or more, all rejected, was fatal

        assertThat(deadLettered).hasSize(12);
        assertThat(Map.of("written", written.get())).containsEntry("written", 0);
    }

    private static HikariDataSource timingOutPool() {
        TestDatabase database = TestDatabase.get();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setUsername(database.user());
        config.setPassword(database.password());
        config.setMaximumPoolSize(2);
        config.setConnectionInitSql("SET statement_timeout = 300");
        config.addDataSourceProperty("logServerErrorDetail", "false");
        return new HikariDataSource(config);
    }
}
