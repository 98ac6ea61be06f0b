package io.pgsink.pg;

import static io.pgsink.testing.TestRecords.records;
import static io.pgsink.testing.TestRecords.writeAndCommit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsink.config.UnknownFieldPolicy;
import io.pgsink.config.WriteMethod;
import io.pgsink.config.WriteMode;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TableRef;
import io.pgsink.schema.SchemaException;
import io.pgsink.testing.TestPool;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Columns PostgreSQL fills itself: both write methods treat a record that sets one the same way. */
class GeneratedColumnsTest {

    private static TargetTable open(TableRef table, WriteMode mode, UnknownFieldPolicy unknown, WriteMethod method)
            throws SQLException {
        return TargetTable.open(TestPool.pool(), table, mode, List.of(), unknown, method);
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void aFieldNamingAGeneratedColumnIsIgnoredLikeAnUnknownField(WriteMethod method) throws SQLException {
        TableRef table = TestPool.createTable(
                "id bigint PRIMARY KEY, price numeric, tax numeric GENERATED ALWAYS AS (price / 5) STORED");

        for (WriteMode mode : WriteMode.values()) {
            TargetTable writer = open(table, mode, UnknownFieldPolicy.IGNORE, method);
            writeAndCommit(writer, records("{\"id\": " + mode.ordinal() + ", \"price\": 10, \"tax\": 99}"));
        }

        // every mode but update (which finds no row 2 to update) inserted its row, tax computed by the table
        assertThat(TestPool.rows(table, "id", "(tax = 2)::text")).isEqualTo(Map.of(0L, "true", 1L, "true", 3L, "true"));
    }

    @Test
    void aFieldNamingAGeneratedColumnIsRejectedWhenUnknownFieldsAre() throws SQLException {
        TableRef table = TestPool.createTable(
                "id bigint PRIMARY KEY, price numeric, tax numeric GENERATED ALWAYS AS (price / 5) STORED");
        TargetTable writer = open(table, WriteMode.INSERT, UnknownFieldPolicy.REJECT, WriteMethod.COPY);

        DecodedBatch batch = writer.decode(records("{\"id\": 1, \"price\": 10, \"tax\": 99}"));

        assertThat(batch.failures().get(0).getMessage()).contains("field \"tax\" has no column");
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void aValueForAGeneratedAlwaysIdentityIsThatRecordsPoisonWithEitherMethod(WriteMethod method) throws SQLException {
        TableRef table = TestPool.createTable(
                "seq bigint GENERATED ALWAYS AS IDENTITY (START WITH 100), id bigint PRIMARY KEY, name text");
        TargetTable writer = open(table, WriteMode.INSERT, UnknownFieldPolicy.IGNORE, method);
        List<SinkRecord> records =
                records("{\"seq\": 5, \"id\": 1}", "{\"id\": 2, \"name\": \"b\"}", "{\"seq\": null, \"id\": 3}");

        assertThat(writer.decode(records).failures()).containsOnlyKeys(0, 2);
        assertThat(writer.decode(records).failures().get(0).getMessage())
                .contains("column \"seq\" is GENERATED ALWAYS AS IDENTITY");
        writeAndCommit(writer, records);

        assertThat(TestPool.rows(table, "id", "seq::text")).containsExactly(Map.entry(2L, "100"));
    }

    @Test
    void upsertKeyedOnAGeneratedAlwaysIdentityIsRefusedAtStart() throws SQLException {
        TableRef table = TestPool.createTable("id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text");

        assertThatThrownBy(() -> open(table, WriteMode.UPSERT, UnknownFieldPolicy.IGNORE, WriteMethod.COPY))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("key column \"id\"")
                .hasMessageContaining("GENERATED ALWAYS AS IDENTITY");
    }
}
