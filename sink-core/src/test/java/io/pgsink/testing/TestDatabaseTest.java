package io.pgsink.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class TestDatabaseTest {

    @Test
    void connectsToARealPostgresqlServer() throws SQLException {
        TestDatabase db = TestDatabase.get();
        try (Connection connection = db.openConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select version()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as(db.kindDescription()).startsWith("PostgreSQL ");
        }
    }

    @Test
    void returnsOneSharedServerPerJvm() {
        assertThat(TestDatabase.get()).isSameAs(TestDatabase.get());
    }
}
