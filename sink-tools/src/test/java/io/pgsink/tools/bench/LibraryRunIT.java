package io.pgsink.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LibraryRunIT {

    @Test
    void everyVariantWritesAndCountsItsRowsThenTheTableIsDropped() throws Exception {
        BenchOptions options = BenchCommand.parse(List.of("--only", "library", "--records", "2000"));
        try (BenchDatabase database = BenchDatabase.start()) {
            List<LibraryRun.Result> results = new LibraryRun(database, options).measure();

            assertThat(results)
                    .extracting(LibraryRun.Result::name)
                    .containsExactly(
                            "make_rows",
                            "jdbc_loop",
                            "jdbc_loop_autocommit",
                            "jdbc_batch",
                            "builder_copy_10000",
                            "builder_copy_50000",
                            "builder_batch_10000",
                            "queueing_1",
                            "queueing_8");
            assertThat(results).allSatisfy(r -> {
                assertThat(r.rows()).isEqualTo(2_000);
                assertThat(r.rowsPerSecond()).isPositive();
                assertThat(r.peakHeapBytes()).isPositive();
            });
            try (Connection connection = database.connect();
                    ResultSet table = connection.getMetaData().getTables(null, null, LibraryRows.TABLE, null)) {
                assertThat(table.next())
                        .as("the library table is dropped at the end")
                        .isFalse();
            }
        }
    }

    @Test
    void theBuilderWritesTheSameRowsAsTheJdbcBatch() throws Exception {
        try (BenchDatabase database = BenchDatabase.start()) {
            database.execute("DROP TABLE IF EXISTS " + LibraryRows.TABLE, LibraryRows.createTable());
            new JdbcLoads(database).batch(1_500);
            String jdbc = digest(database);
            database.execute("TRUNCATE " + LibraryRows.TABLE);
            new ClientLoads(database).builder(1_500, 1_000, io.pgsink.config.WriteMethod.COPY);

            assertThat(database.count(LibraryRows.TABLE)).isEqualTo(1_500);
            assertThat(digest(database)).isEqualTo(jdbc);
        }
    }

    /** Every row's values as PostgreSQL stores them, in one hash. */
    private static String digest(BenchDatabase database) throws Exception {
        try (Connection connection = database.connect();
                ResultSet rs = connection
                        .createStatement()
                        .executeQuery(
                                "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM " + LibraryRows.TABLE + " t")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
