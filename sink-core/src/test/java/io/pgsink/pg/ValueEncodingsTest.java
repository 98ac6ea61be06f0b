package io.pgsink.pg;

import static io.pgsink.testing.TestRecords.records;
import static io.pgsink.testing.TestRecords.writeAndCommit;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.config.UnknownFieldPolicy;
import io.pgsink.config.WriteMethod;
import io.pgsink.config.WriteMode;
import io.pgsink.model.TableRef;
import io.pgsink.testing.TestPool;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Values at the edges of what the decoder accepts, as PostgreSQL stores them through each write method. */
class ValueEncodingsTest {

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void byteaStoresTheDecodedBytesOfBase64AndHexNotTheirCharacters(WriteMethod method) throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, blob bytea, blobs bytea[]");
        TargetTable writer = TargetTable.open(
                TestPool.pool(), table, WriteMode.INSERT, List.of(), UnknownFieldPolicy.IGNORE, method);

        writeAndCommit(
                writer,
                records(
                        "{\"id\": 1, \"blob\": \"3q2+7w==\"}",
                        "{\"id\": 2, \"blob\": \"3q2+7w\"}",
                        "{\"id\": 3, \"blob\": \"\\\\xDEADBEEF\"}",
                        "{\"id\": 4, \"blob\": \"\", \"blobs\": [\"AA==\", \"\\\\x01\", null]}"));

        assertThat(TestPool.rows(table, "id", "encode(blob, 'hex') || ' ' || coalesce(blobs::text, '-')"))
                .containsEntry(1L, "deadbeef -")
                .containsEntry(2L, "deadbeef -")
                .containsEntry(3L, "deadbeef -")
                .containsEntry(4L, " {\"\\\\x00\",\"\\\\x01\",NULL}");
    }

    @ParameterizedTest
    @EnumSource(WriteMethod.class)
    void numbersAtTheDecodersLimitsAreAcceptedByPostgresql(WriteMethod method) throws SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY, amount numeric, ratio float8, score float4");
        TargetTable writer = TargetTable.open(
                TestPool.pool(), table, WriteMode.INSERT, List.of(), UnknownFieldPolicy.IGNORE, method);

        writeAndCommit(
                writer,
                records(
                        "{\"id\": 1, \"amount\": 1e131071, \"ratio\": 1.7976931348623157e308, \"score\": 3.4e38}",
                        "{\"id\": 2, \"amount\": -1e-16383, \"ratio\": 4.9e-324, \"score\": 1.5e-45}",
                        "{\"id\": 9.2e18, \"amount\": 0e2147483647}"));

        assertThat(TestPool.rows(table, "id", "length(amount::text) || ' ' || ratio || ' ' || score"))
                .containsEntry(1L, "131072 1.7976931348623157e+308 3.4e+38")
                .containsEntry(2L, "16386 5e-324 1e-45");
        assertThat(TestPool.rows(table, "id", "amount::text")).containsEntry(9_200_000_000_000_000_000L, "0");
    }
}
