package io.pgsink.pg;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgsink.config.UnknownFieldPolicy;
import io.pgsink.config.WriteMethod;
import io.pgsink.config.WriteMode;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TableRef;
import io.pgsink.testing.TestPool;
import io.pgsink.testing.TestRecords;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * COPY against JDBC batch, in rows per second, for insert and upsert. A measurement, not a test: it asserts
 * nothing and runs only when asked:
 *
 * <pre>
 * mvn -o -pl sink-core test -Dtest=WriteMethodBenchmark -Dpgsink.benchmark=true [-Dpgsink.benchmark.durable=false]
 * </pre>
 *
 * <p>It starts an embedded server of its own, with fsync and synchronous_commit on (zonky turns both off by
 * default) unless {@code pgsink.benchmark.durable=false}. Figures go to the test's output file in
 * target/surefire-reports.
 */
@Tag("benchmark")
@EnabledIfSystemProperty(named = "pgsink.benchmark", matches = "true")
class WriteMethodBenchmark {

    private static final int ROWS = Integer.getInteger("pgsink.benchmark.rows", 200_000);
    private static final int BATCH = Integer.getInteger("pgsink.benchmark.batch", 5_000);
    private static final String COLUMNS =
            "id bigint PRIMARY KEY, name text, amount numeric(12,2)," + " at timestamptz, payload jsonb, note text";

    @Test
    void copyAgainstJdbcBatch() throws SQLException, IOException {
        boolean durable = !"false".equals(System.getProperty("pgsink.benchmark.durable"));
        String onOff = durable ? "on" : "off";
        try (EmbeddedPostgres server = EmbeddedPostgres.builder()
                        .setServerConfig("fsync", onOff)
                        .setServerConfig("synchronous_commit", onOff)
                        .start();
                HikariDataSource pool = pool(server)) {
            List<List<SinkRecord>> batches = batches(0);
            List<List<SinkRecord>> updates = batches(1);
            System.out.printf(
                    "%,d rows of (%s), %,d per batch, fsync and synchronous_commit %s%n", ROWS, COLUMNS, BATCH, onOff);
            run(pool, "warm-up", batches.subList(0, 4), batches.subList(0, 4));
            for (int round = 1; round <= 2; round++) {
                run(pool, "round " + round, batches, updates);
            }
        }
    }

    private static void run(
            HikariDataSource pool, String label, List<List<SinkRecord>> inserts, List<List<SinkRecord>> updates)
            throws SQLException {
        for (WriteMethod method : WriteMethod.values()) {
            TableRef insertTable = create(pool);
            TableRef upsertTable = create(pool);
            double insert = rate(pool, insertTable, WriteMode.INSERT, method, inserts);
            double upsertNew = rate(pool, upsertTable, WriteMode.UPSERT, method, inserts);
            double upsertExisting = rate(pool, upsertTable, WriteMode.UPSERT, method, updates);
            System.out.printf(
                    "%-8s %-5s insert %,9.0f rows/s | upsert new keys %,9.0f rows/s"
                            + " | upsert existing keys %,9.0f rows/s%n",
                    label, method, insert, upsertNew, upsertExisting);
        }
    }

    /** Writes and commits every batch on one session; only the database work is timed, not JSON decoding. */
    private static double rate(
            HikariDataSource pool, TableRef table, WriteMode mode, WriteMethod method, List<List<SinkRecord>> batches)
            throws SQLException {
        TargetTable writer = TargetTable.open(pool, table, mode, List.of(), UnknownFieldPolicy.IGNORE, method);
        List<DecodedBatch> prepared = batches.stream().map(writer::decode).toList();
        long rows = 0;
        long start = System.nanoTime();
        try (Session session = writer.openSession()) {
            for (DecodedBatch batch : prepared) {
                try (Transaction results = session.write(batch)) {
                    results.commit();
                    rows += batch.size();
                }
            }
        }
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    /** Configured as the worker configures its pool. */
    private static HikariDataSource pool(EmbeddedPostgres server) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.getJdbcUrl("postgres", "postgres"));
        config.setMaximumPoolSize(2);
        config.addDataSourceProperty("logServerErrorDetail", "false");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(config);
    }

    private static TableRef create(HikariDataSource pool) throws SQLException {
        TableRef table = new TableRef("public", "bench_" + System.nanoTime());
        TestPool.execute(pool, "CREATE TABLE " + table.quoted() + " (" + COLUMNS + ")");
        return table;
    }

    /** The records, in batches; {@code version} changes every non-key value, for the update pass. */
    private static List<List<SinkRecord>> batches(int version) {
        List<List<SinkRecord>> batches = new ArrayList<>();
        Instant base = Instant.parse("2024-05-01T00:00:00Z");
        for (int from = 0; from < ROWS; from += BATCH) {
            List<ObjectNode> values = new ArrayList<>(BATCH);
            for (long id = from; id < Math.min(ROWS, from + BATCH); id++) {
                ObjectNode row = TestRecords.object()
                        .put("id", id)
                        .put("name", "customer " + id + " v" + version)
                        .put("amount", BigDecimal.valueOf(id * 37 + version, 2))
                        .put("at", base.plusSeconds(id + version).toString())
                        .put("note", "n" + (id % 100));
                row.putObject("payload")
                        .put("kind", "order")
                        .put("seq", id)
                        .putArray("tags")
                        .add("a")
                        .add(version);
                values.add(row);
            }
            batches.add(TestRecords.records(values));
        }
        return batches;
    }
}
