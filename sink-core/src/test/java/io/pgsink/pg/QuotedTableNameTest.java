package io.pgsink.pg;

import static io.pgsink.testing.TestRecords.records;
import static io.pgsink.testing.TestRecords.writeAndCommit;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.config.SinkConfig;
import io.pgsink.config.WriteMethod;
import io.pgsink.model.TableRef;
import io.pgsink.testing.TestPool;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A table whose schema and name need quoting is configured as PostgreSQL writes it, and written. */
class QuotedTableNameTest {

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void writesIntoATableWhoseNameHoldsASpaceADotAndAQuote(WriteMethod method) throws SQLException {
        String schema = "Odd Schema." + method;
        TestPool.execute(TestPool.pool(), "CREATE SCHEMA " + TableRef.quote(schema));
        TestPool.execute(
                TestPool.pool(),
                "CREATE TABLE " + new TableRef(schema, "Events \"X\"").quoted()
                        + " (id bigint PRIMARY KEY, name text)");
        String setting = "\"" + schema + "\".\"Events \"\"X\"\"\"";
        SinkConfig config = SinkConfig.parse(Map.of(
                "kafka.bootstrap.servers", "kafka-1:9092",
                "kafka.group.id", "g",
                "kafka.topics", "events",
                "postgres.url", "jdbc:postgresql://db:5432/app",
                "table", setting,
                "write.mode", "upsert",
                "write.method", method.name().toLowerCase(Locale.ROOT)));

        TargetTable writer = TargetTable.forConfig(TestPool.pool(), config);
        writeAndCommit(writer, records("{\"id\": 1, \"name\": \"a\"}", "{\"id\": 2, \"name\": \"b\"}"));
        writeAndCommit(writer, records("{\"id\": 1, \"name\": \"c\"}"));

        assertThat(TestPool.rows(new TableRef(schema, "Events \"X\""), "id", "name"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(1L, "c", 2L, "b"));
    }
}
