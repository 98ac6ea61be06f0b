package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgsink.SinkEvent;
import io.pgsink.SinkListener;
import io.pgsink.app.Metrics;
import io.pgsink.client.BatchResult;
import io.pgsink.client.BatchSession;
import io.pgsink.client.BatchSummary;
import io.pgsink.client.DatabaseUnavailableException;
import io.pgsink.client.OperationKind;
import io.pgsink.client.Outcome;
import io.pgsink.client.PgBatchClient;
import io.pgsink.client.ProcessingException;
import io.pgsink.client.ValidationException;
import io.pgsink.config.WriteMethod;
import io.pgsink.error.FailureKind;
import io.pgsink.testing.TestServices;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The library batch API ({@code io.pgsink.client}) against a real PostgreSQL, by both write methods. */
class LibraryIT {

    private static final AtomicInteger TABLES = new AtomicInteger();
    private final TestServices services = TestServices.get();

    private String table(String ddl) throws SQLException {
        String name = "lib_" + TABLES.incrementAndGet() + "_" + System.nanoTime() % 100_000;
        execute("CREATE TABLE " + name + " " + ddl);
        return name;
    }

    private PgBatchClient client(WriteMethod method) {
        return PgBatchClient.builder(services.jdbcUrl(), services.dbUser(), services.dbPassword())
                .writeMethod(method)
                .poolSize(2)
                .build();
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void everyKindOfOperationOverTwoTablesCommitsInOneBatchWithAnOutcomeEach(WriteMethod method) throws Exception {
        String orders = table("(id bigint PRIMARY KEY, total numeric(10,2), status text, tags text[], meta jsonb,"
                + " ref uuid, placed timestamptz, due date)");
        String customers = table("(id int PRIMARY KEY, name text NOT NULL, visits int NOT NULL DEFAULT 0)");
        UUID ref = UUID.fromString("7d444840-9dc0-11d1-b245-5ffdce74fad2");
        Instant placed = Instant.parse("2026-11-30T10:15:30.123456Z");
        try (PgBatchClient client = client(method);
                BatchResult result = client.batch()
                        .insert(orders, order(1, "9.90", "new"))
                        .insert(
                                orders,
                                Map.of(
                                        "id",
                                        2,
                                        "total",
                                        new BigDecimal("12.50"),
                                        "tags",
                                        List.of("a", "b,c", "\"q\""),
                                        "meta",
                                        Map.of("k", List.of(1, 2), "n", Map.of("x", true)),
                                        "ref",
                                        ref,
                                        "placed",
                                        placed,
                                        "due",
                                        LocalDate.of(2026, 12, 24)))
                        .upsert(customers, Map.of("id", 7, "name", "Ada"))
                        .upsert(customers, Map.of("id", 7, "name", "Ada L."), "id")
                        .update(orders, Map.of("status", "paid"), Map.of("id", 1))
                        .update(orders, Map.of("status", "paid"), Map.of("id", 99))
                        .delete(orders, Map.of("id", 3))
                        .sql("UPDATE " + customers + " SET visits = visits + ? WHERE id = ?", 5, 7)
                        .execute()) {
            List<String> seen = new ArrayList<>();
            result.processAll((index, outcome) ->
                    seen.add(index + ":" + outcome.kind() + ":" + outcome.rowsAffected() + ":" + outcome.ok()));
            assertThat(seen)
                    .startsWith(
                            "0:INSERT:1:true",
                            "1:INSERT:1:true",
                            "2:UPSERT:1:true",
                            "3:UPSERT:1:true",
                            "4:UPDATE:1:true",
                            "5:UPDATE:0:true")
                    .endsWith("7:SQL:1:true")
                    .hasSize(8);
            assertThat(result.summary().failed()).isZero();
            assertThat(result.summary().attempts()).isEqualTo(1);
        }
        assertThat(rows("SELECT id, total, status FROM " + orders + " ORDER BY id"))
                .containsExactly("1|9.90|paid", "2|12.50|null");
        assertThat(rows("SELECT array_length(tags, 1), tags[2], tags[3], meta->'n'->>'x', meta->'k'->>1, ref, due,"
                        + " placed = '2026-11-30T10:15:30.123456Z'::timestamptz FROM " + orders + " WHERE id = 2"))
                .containsExactly("3|b,c|\"q\"|true|2|" + ref + "|2026-12-24|t");
        assertThat(rows("SELECT id, name, visits FROM " + customers)).containsExactly("7|Ada L.|5");
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void operationsOfOneKeyApplyInTheOrderTheyWereAdded(WriteMethod method) throws Exception {
        String t = table("(id bigint PRIMARY KEY, total numeric(10,2), status text)");
        try (PgBatchClient client = client(method);
                BatchResult result = client.batch()
                        .insert(t, order(1, "1.00", "a"))
                        .insert(t, order(2, "2.00", "a"))
                        .update(t, Map.of("status", "b"), Map.of("id", 1))
                        .delete(t, Map.of("id", 1))
                        .insert(t, order(1, "3.00", "c"))
                        .upsert(t, order(2, "4.00", "d"))
                        .delete(t, Map.of("id", 2))
                        .upsert(t, order(2, "5.00", "e"))
                        .update(t, Map.of("total", new BigDecimal("6.00")), Map.of("id", 2))
                        .execute()) {
            assertThat(result.summary().failed()).isZero();
        }
        assertThat(rows("SELECT id, total, status FROM " + t + " ORDER BY id")).containsExactly("1|3.00|c", "2|6.00|e");
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void operationsTheDatabaseRefusesFailAloneWithTheirSqlStateAndTheRestCommit(WriteMethod method) throws Exception {
        String t = table("(id bigint PRIMARY KEY, total numeric(10,2) CHECK (total >= 0), status text)");
        execute("INSERT INTO " + t + " VALUES (5, 1, 'old')");
        List<Outcome> outcomes;
        try (PgBatchClient client = client(method);
                BatchResult result = client.batch()
                        .insert(t, order(1, "1.00", "ok"))
                        .insert(t, order(5, "2.00", "duplicate"))
                        .insert(t, order(2, "-7.00", "negative"))
                        .insert(t, order(3, "3.00", "ok"))
                        .sql("INSERT INTO " + t + " VALUES (?, ?, ?)", 5, 1, "duplicate by SQL")
                        .insert(t, order(4, "4.00", "ok"))
                        .execute()) {
            outcomes = result.outcomes();
            assertThat(result.summary().failed()).isEqualTo(3);
        }
        assertThat(outcomes.get(1).failure().sqlState()).isEqualTo("23505");
        assertThat(outcomes.get(1).failure().failureClass()).isEqualTo(FailureKind.POISON);
        assertThat(outcomes.get(2).failure().sqlState()).isEqualTo("23514");
        assertThat(outcomes.get(2).failure().message()).doesNotContain("-7");
        assertThat(outcomes.get(4).failure().sqlState()).isEqualTo("23505");
        assertThat(outcomes).extracting(Outcome::ok).containsExactly(true, false, false, true, false, true);
        assertThat(rows("SELECT id, status FROM " + t + " ORDER BY id"))
                .containsExactly("1|ok", "3|ok", "4|ok", "5|old");
    }

    @Test
    void aBatchThatCannotBeWrittenAsGivenIsRefusedBeforeAnySqlNamingIndexColumnAndType() throws Exception {
        String t = table("(id bigint PRIMARY KEY, total numeric(10,2), placed timestamptz)");
        try (PgBatchClient client = client(WriteMethod.COPY)) {
            assertThatThrownBy(() -> client.batch()
                            .insert(t, Map.of("id", 1, "total", new BigDecimal("1.00")))
                            .insert(t, Map.of("id", 2, "totl", new BigDecimal("2.00")))
                            .insert(t, Map.of("id", 3, "total", "twelve"))
                            .insert(t, Map.of("id", 4, "placed", "secret-not-a-time"))
                            .insert(t + "_missing", Map.of("id", 5))
                            .insert(t, Map.of("id", 6, "total", new Object()))
                            .execute())
                    .isInstanceOf(ValidationException.class)
                    .satisfies(e -> {
                        List<String> problems = ((ValidationException) e).problems();
                        assertThat(problems).hasSize(5);
                        assertThat(problems.get(0))
                                .startsWith("operation 1 (insert")
                                .contains("\"totl\"");
                        assertThat(problems.get(1))
                                .startsWith("operation 2 (insert")
                                .contains("total", "numeric");
                        assertThat(problems.get(2))
                                .startsWith("operation 3 (insert")
                                .contains("placed");
                        assertThat(problems.get(3))
                                .startsWith("operation 4 (insert")
                                .contains("_missing");
                        assertThat(problems.get(4))
                                .startsWith("operation 5 (insert")
                                .contains("java.lang.Object");
                        assertThat(e.getMessage()).doesNotContain("twelve", "secret-not-a-time");
                    });
        }
        assertThat(rows("SELECT count(*) FROM " + t)).containsExactly("0");
    }

    @Test
    void aProcessorThatThrowsLeavesTheResultsDrainedAndTheConnectionReusable() throws Exception {
        String t = table("(id bigint PRIMARY KEY, total numeric(10,2), status text)");
        try (PgBatchClient client = client(WriteMethod.COPY);
                BatchSession session = client.session()) {
            BatchResult first = session.batch()
                    .insert(t, order(1, "1.00", "a"))
                    .insert(t, order(2, "2.00", "b"))
                    .execute();
            List<Integer> processed = new ArrayList<>();
            assertThatThrownBy(() -> first.processAll((index, outcome) -> {
                        processed.add(index);
                        throw new IllegalStateException("processor failed");
                    }))
                    .isInstanceOf(ProcessingException.class)
                    .hasRootCauseMessage("processor failed");
            first.processAll((index, outcome) -> processed.add(100 + index)); // nothing left to hand out
            assertThat(processed).containsExactly(0);
            first.close();

            try (BatchResult second =
                    session.batch().insert(t, order(3, "3.00", "c")).execute()) {
                assertThat(second.outcomes()).extracting(Outcome::ok).containsExactly(true);
            }
            assertThat(client.poolUsage()[0]).as("connections in use").isEqualTo(1); // the session's own
        }
        assertThat(rows("SELECT count(*) FROM " + t)).containsExactly("3");
    }

    @Test
    void aSecondExecuteOnASessionWhoseResultsAreOpenIsRefused() throws Exception {
        String t = table("(id bigint PRIMARY KEY, total numeric(10,2), status text)");
        try (PgBatchClient client = client(WriteMethod.COPY);
                BatchSession session = client.session()) {
            try (BatchResult open =
                    session.batch().insert(t, order(1, "1.00", "a")).execute()) {
                assertThatThrownBy(() ->
                                session.batch().insert(t, order(2, "2.00", "b")).execute())
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("connection busy")
                        .hasMessageContaining("close them");
                assertThat(open.outcomes()).hasSize(1);
            }
            try (BatchResult next =
                    session.batch().insert(t, order(2, "2.00", "b")).execute()) {
                assertThat(next.summary().succeeded()).isEqualTo(1);
            }
        }
        assertThat(rows("SELECT count(*) FROM " + t)).containsExactly("2");
    }

    @Test
    void unclosedResultsHoldTheirConnectionAndClosedOnesReturnIt() throws Exception {
        String t = table("(id bigint PRIMARY KEY, total numeric(10,2), status text)");
        try (PgBatchClient client = client(WriteMethod.COPY)) {
            BatchResult open = client.batch().insert(t, order(1, "1.00", "a")).execute();
            assertThat(client.poolUsage()[0]).isEqualTo(1);
            open.close();
            assertThat(client.poolUsage()[0]).isZero();
            assertThat(client.poolUsage()[1]).isEqualTo(client.poolUsage()[2]);
        }
    }

    @Test
    void executeAsyncCompletesWithTheSummaryOnceCommitted() throws Exception {
        String t = table("(id bigint PRIMARY KEY, total numeric(10,2), status text)");
        try (PgBatchClient client = client(WriteMethod.COPY)) {
            BatchSummary summary = client.batch()
                    .insert(t, order(1, "1.00", "a"))
                    .insert(t, order(1, "1.00", "again"))
                    .upsert(t, order(2, "2.00", "b"))
                    .executeAsync()
                    .toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            assertThat(summary.operations()).isEqualTo(3);
            assertThat(summary.succeeded()).isEqualTo(2);
            assertThat(summary.failures()).extracting(Outcome::index).containsExactly(1);
            assertThat(summary.failures().get(0).kind()).isEqualTo(OperationKind.INSERT);
            assertThat(client.poolUsage()[0]).isZero();
        }
        assertThat(rows("SELECT id, status FROM " + t + " ORDER BY id")).containsExactly("1|a", "2|b");
    }

    @Test
    void theCircuitBreakerFailsFastAfterBatchesGaveUpOnAnUnreachableDatabase() {
        try (PgBatchClient client = PgBatchClient.builder("jdbc:postgresql://127.0.0.1:1/none", "x", "y")
                .acquireTimeout(Duration.ofMillis(250))
                .retry(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(100))
                .circuitBreaker(2, Duration.ofMinutes(5))
                .build()) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() ->
                                client.batch().insert("t", Map.of("id", 1)).execute())
                        .isInstanceOf(DatabaseUnavailableException.class)
                        .hasMessageContaining("retry budget");
            }
            assertThat(client.circuitOpen()).isTrue();
            assertThatThrownBy(() -> client.batch().insert("t", Map.of("id", 1)).execute())
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("circuit breaker is open");
        }
    }

    @Test
    void aQueueingWriterCompletesEachFutureAfterCommitWithItsOwnOutcome() throws Exception {
        String t = table("(id bigint PRIMARY KEY, total numeric(10,2), status text)");
        List<java.util.concurrent.CompletableFuture<Outcome>> futures = new ArrayList<>();
        try (PgBatchClient client = client(WriteMethod.COPY)) {
            try (var writer =
                    client.queueingWriter().linger(Duration.ofMillis(5)).build()) {
                for (int i = 0; i < 2_000; i++) {
                    futures.add(writer.upsert(t, order(i % 500, i + ".00", "v" + i)));
                }
                futures.add(writer.insert(t, order(1, "1.00", "duplicate")));
                futures.add(writer.insert(t, Map.of("id", 7, "nope", 1)));
                futures.add(writer.delete(t, Map.of("id", 0)));
            }
            assertThat(client.poolUsage()[0]).isZero();
        }
        assertThat(futures).allMatch(java.util.concurrent.CompletableFuture::isDone);
        assertThat(futures.subList(0, 2_000)).allMatch(f -> f.join().ok());
        assertThat(futures.get(2_000).join().failure().sqlState()).isEqualTo("23505");
        assertThat(futures.get(2_001).join().failure().message()).contains("\"nope\"");
        assertThat(futures.get(2_002).join().ok()).isTrue();
        assertThat(rows("SELECT count(*), min(id), max(status) FROM " + t + " WHERE status = 'v' || (total::int)"))
                .containsExactly("499|1|v1999");
    }

    @Test
    void batchesReachTheWorkersListenersAndMicrometerMetersUnderTheRouteLibrary() throws Exception {
        String t = table("(id bigint PRIMARY KEY, total numeric(10,2), status text)");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<SinkEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        SinkListener meters = Metrics.listener(registry);
        try (PgBatchClient client = PgBatchClient.builder(services.jdbcUrl(), services.dbUser(), services.dbPassword())
                .listener(event -> {
                    events.add(event);
                    meters.onEvent(event);
                })
                .build()) {
            for (int round = 0; round < 2; round++) {
                try (BatchResult result = client.batch()
                        .insert(t, order(round * 10 + 1, "1.00", "a"))
                        .insert(t, order(round * 10 + 2, "2.00", "b"))
                        .insert(t, order(1, "1.00", "duplicate"))
                        .execute()) {
                    assertThat(result.summary().failed()).isEqualTo(1);
                }
            }
        }
        String table = "public." + t;
        assertThat(events)
                .filteredOn(e -> e instanceof SinkEvent.BatchCommitted)
                .hasSize(2);
        assertThat(events)
                .filteredOn(e -> e instanceof SinkEvent.RecordsRejected)
                .extracting(e -> ((SinkEvent.RecordsRejected) e).sqlState())
                .containsExactly("23505", "23505");
        assertThat(registry.get("pgsink.records.written")
                        .tags("route", "library", "table", table)
                        .counter()
                        .count())
                .isEqualTo(4);
        assertThat(registry.get("pgsink.batches.committed")
                        .tags("route", "library", "table", table)
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get("pgsink.records.dead.lettered")
                        .tags("route", "library", "table", table, "kind", "poison", "sqlstate_class", "23")
                        .counter()
                        .count())
                .isEqualTo(2);
    }

    private static Map<String, Object> order(long id, String total, String status) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("id", id);
        values.put("total", new BigDecimal(total));
        values.put("status", status);
        return values;
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = services.openConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = services.openConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(String.valueOf(rs.getString(i)));
                }
                rows.add(String.join("|", values));
            }
        }
        return rows;
    }
}
