package io.pgsink.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.batch.Batch;
import io.pgsink.config.UnknownFieldPolicy;
import io.pgsink.config.WriteMethod;
import io.pgsink.config.WriteMode;
import io.pgsink.deadletter.DeadLetterSink;
import io.pgsink.deadletter.Rejection;
import io.pgsink.error.RetryPolicy;
import io.pgsink.error.Sleeper;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TableRef;
import io.pgsink.pg.TargetTable;
import io.pgsink.testing.TestPool;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The table changes while the writer runs, against a real PostgreSQL: the writer reads the catalog again and
 * writes by the new columns, without a restart and without dead-lettering.
 */
@Timeout(60)
class BatchWriterSchemaChangeTest {

    private final List<Rejection> deadLettered = new CopyOnWriteArrayList<>();
    private final List<BatchWriter> writers = new ArrayList<>();
    private long offset;

    @AfterEach
    void closeWriters() {
        writers.forEach(BatchWriter::close);
    }

    private BatchWriter writer(TableRef table, WriteMode mode, WriteMethod method, UnknownFieldPolicy unknown)
            throws SQLException {
        TargetTable tableWriter = TargetTable.open(TestPool.pool(), table, mode, List.of(), unknown, method);
        DeadLetterSink sink = deadLettered::addAll;
        RetryPolicy retries = new RetryPolicy(
                Duration.ofMillis(10), Duration.ofMillis(10), Duration.ZERO, Sleeper.SYSTEM, Clock.systemUTC());
        BatchWriter writer = new BatchWriter(tableWriter, sink, retries, new WriteListener() {});
        writers.add(writer);
        return writer;
    }

    private Batch batch(String... values) {
        List<SinkRecord> records = new ArrayList<>();
        for (String value : values) {
            records.add(
                    new SinkRecord("events", 0, offset++, 0L, null, value.getBytes(StandardCharsets.UTF_8), List.of()));
        }
        return new Batch(records, records.size(), false);
    }

    @ParameterizedTest(name = "{0}")
    // update mode writes no row into an empty table: these modes insert (update has its own tests)
    @EnumSource(value = WriteMode.class, mode = EnumSource.Mode.EXCLUDE, names = "UPDATE")
    void aColumnAddedWhileTheWriterRunsIsWrittenWithoutARestart(WriteMode mode) throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, v text");
        BatchWriter writer = writer(table, mode, WriteMethod.COPY, UnknownFieldPolicy.IGNORE);
        writer.write(batch("{\"id\": 1, \"v\": \"a\"}"));

        TestPool.execute(TestPool.pool(), "ALTER TABLE " + table.quoted() + " ADD COLUMN note text");
        writer.write(batch("{\"id\": 2, \"v\": \"b\", \"note\": \"new\"}"));

        assertThat(TestPool.rows(table, "id", "coalesce(note, '-')")).isEqualTo(Map.of(1L, "-", 2L, "new"));
        assertThat(deadLettered).isEmpty();
    }

    @Test
    void aColumnAddedIsAlsoFoundWhenUnknownFieldsAreRejected() throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, v text");
        BatchWriter writer = writer(table, WriteMode.INSERT, WriteMethod.BATCH, UnknownFieldPolicy.REJECT);
        writer.write(batch("{\"id\": 1, \"v\": \"a\"}"));

        TestPool.execute(TestPool.pool(), "ALTER TABLE " + table.quoted() + " ADD COLUMN note text");
        writer.write(batch("{\"id\": 2, \"note\": \"new\"}"));

        assertThat(TestPool.rows(table, "id", "coalesce(note, '-')")).isEqualTo(Map.of(1L, "-", 2L, "new"));
        assertThat(deadLettered).isEmpty();
    }

    @Test
    void aColumnWidenedWhileTheWriterRunsTakesTheWiderValues() throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, qty int");
        BatchWriter writer = writer(table, WriteMode.INSERT, WriteMethod.COPY, UnknownFieldPolicy.IGNORE);
        writer.write(batch("{\"id\": 1, \"qty\": 7}"));

        TestPool.execute(TestPool.pool(), "ALTER TABLE " + table.quoted() + " ALTER COLUMN qty TYPE bigint");
        writer.write(batch("{\"id\": 2, \"qty\": 7}", "{\"id\": 3, \"qty\": 5000000000}"));

        assertThat(TestPool.rows(table, "id", "qty::text")).isEqualTo(Map.of(1L, "7", 2L, "7", 3L, "5000000000"));
        assertThat(deadLettered).isEmpty();
    }

    @Test
    void aColumnDroppedWhileTheWriterRunsIsNoLongerWrittenAndNothingStops() throws Exception {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, v text, gone text");
        BatchWriter writer = writer(table, WriteMode.INSERT, WriteMethod.COPY, UnknownFieldPolicy.IGNORE);
        writer.write(batch("{\"id\": 1, \"v\": \"a\", \"gone\": \"x\"}"));

        TestPool.execute(TestPool.pool(), "ALTER TABLE " + table.quoted() + " DROP COLUMN gone");
        writer.write(batch("{\"id\": 2, \"v\": \"b\", \"gone\": \"y\"}")); // before: 42703, fatal

        assertThat(TestPool.rows(table, "id", "v")).isEqualTo(Map.of(1L, "a", 2L, "b"));
        assertThat(deadLettered).isEmpty();
    }
}
