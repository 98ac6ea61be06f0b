package io.pgsink.tools.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class EmbeddedPostgresServerIT {

    @Test
    void durableServerFlushesEveryCommitToDisk() throws Exception {
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(true);
                Connection connection =
                        DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password())) {
            assertThat(setting(connection, "fsync")).isEqualTo("on");
            assertThat(setting(connection, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(connection, "max_connections")).isEqualTo("200");
            assertThat(server.jdbcUrl()).contains(":" + server.port() + "/");
        }
    }

    @Test
    void defaultServerTradesDurabilityForSpeed() throws Exception {
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(false);
                Connection connection = server.dataSource().getConnection()) {
            assertThat(setting(connection, "fsync")).isEqualTo("off");
            assertThat(setting(connection, "synchronous_commit")).isEqualTo("off");
        }
    }

    private static String setting(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("show " + name)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
