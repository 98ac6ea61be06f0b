package io.pgsink.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.model.TableRef;
import io.pgsink.testing.TestPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyCoverageTest {

    @Test
    void upsertNeedsAUniqueIndexOnExactlyTheKeyInAnyOrder() throws SQLException {
        TableRef table = TestPool.createTable("a int, b int, c int UNIQUE, d int, PRIMARY KEY (a, b)");
        try (Connection connection = TestPool.pool().getConnection()) {
            assertThat(KeyCoverage.covered(connection, table, List.of("a", "b"), true))
                    .isTrue();
            assertThat(KeyCoverage.covered(connection, table, List.of("b", "a"), true))
                    .isTrue();
            assertThat(KeyCoverage.covered(connection, table, List.of("c"), true))
                    .isTrue();
            assertThat(KeyCoverage.covered(connection, table, List.of("a"), true))
                    .isFalse();
            assertThat(KeyCoverage.covered(connection, table, List.of("a", "b", "d"), true))
                    .isFalse();
        }
    }

    @Test
    void updateAndDeleteNeedAUniqueIndexWithinTheKey() throws SQLException {
        TableRef table = TestPool.createTable("a int, b int, c int, d int, PRIMARY KEY (a, b)");
        TestPool.execute(TestPool.pool(), "CREATE UNIQUE INDEX ON " + table.quoted() + " (c) WHERE c > 0");
        TestPool.execute(TestPool.pool(), "CREATE UNIQUE INDEX ON " + table.quoted() + " ((d + 1))");
        try (Connection connection = TestPool.pool().getConnection()) {
            assertThat(KeyCoverage.covered(connection, table, List.of("a", "b", "d"), false))
                    .isTrue();
            assertThat(KeyCoverage.covered(connection, table, List.of("a"), false))
                    .isFalse();
            assertThat(KeyCoverage.covered(connection, table, List.of("c"), false))
                    .as("a partial index does not make c unique")
                    .isFalse();
            assertThat(KeyCoverage.covered(connection, table, List.of("d"), false))
                    .as("an expression index does not make d unique")
                    .isFalse();
        }
    }
}
