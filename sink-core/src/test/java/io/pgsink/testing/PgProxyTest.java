package io.pgsink.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsink.model.TableRef;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

class PgProxyTest {

    private final TestDatabase database = TestDatabase.get();
    private PgProxy proxy;
    private TableRef table;

    @BeforeEach
    void startProxy() throws SQLException {
        proxy = PgProxy.startFor(database.jdbcUrl());
        table = TestPool.createTable("id bigint PRIMARY KEY, note text NOT NULL");
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void relaysPreparedStatementsAndCopyOnSeveralConnections() throws SQLException, IOException {
        Map<Long, String> expected = new HashMap<>();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                connections.add(viaProxy());
            }
            // Round after round across the connections, so all three relays carry traffic at once; ten inserts
            // take each connection past pgjdbc's prepareThreshold, onto a server-prepared statement.
            for (int round = 0; round < 10; round++) {
                for (int c = 0; c < connections.size(); c++) {
                    long id = c * 1000L + round;
                    insert(connections.get(c), id);
                    expected.put(id, "row " + id);
                }
            }
            for (int c = 0; c < connections.size(); c++) {
                CopyManager copy = connections.get(c).unwrap(PGConnection.class).getCopyAPI();
                StringBuilder csv = new StringBuilder();
                for (long id = c * 1000L + 100; id < c * 1000L + 200; id++) {
                    csv.append(id).append(",row ").append(id).append('\n');
                    expected.put(id, "row " + id);
                }
                String sql = "COPY " + table.quoted() + " (id, note) FROM STDIN (FORMAT csv)";
                assertThat(copy.copyIn(sql, new StringReader(csv.toString()))).isEqualTo(100);
            }
            StringWriter out = new StringWriter();
            String copyOut = "COPY (SELECT id FROM " + table.quoted() + " WHERE id < 1000 ORDER BY id) TO STDOUT";
            connections.get(0).unwrap(PGConnection.class).getCopyAPI().copyOut(copyOut, out);
            assertThat(out.toString().lines()).hasSize(110).startsWith("0", "1").endsWith("199");
        } finally {
            for (Connection connection : connections) {
                connection.close();
            }
        }
        assertThat(TestPool.rows(table, "id", "note")).isEqualTo(expected);
        assertThat(proxy.commits()).as("autocommit sends no COMMIT").isZero();
    }

    @Test
    void countsEveryCommitThoughPgjdbcSendsTheCommitTextOnlyOnce() throws SQLException {
        try (Connection connection = viaProxy()) {
            connection.setAutoCommit(false);
            for (long id = 1; id <= 50; id++) {
                insert(connection, id);
                connection.commit();
            }
            assertThat(proxy.commits()).isEqualTo(50);
            // pgjdbc made COMMIT a named server-side statement; from then on only Bind and Execute name it.
            assertThat(count(connection, "SELECT count(*) FROM pg_prepared_statements WHERE statement = 'COMMIT'"))
                    .isEqualTo(1);
            connection.rollback();
        }
        assertThat(countUnchecked("SELECT sum(id) FROM " + table.quoted())).isEqualTo(50 * 51 / 2);
    }

    @Test
    void aWithheldCommitIsCommittedOnTheServerWhileTheClientSeesAConnectionFailure() throws SQLException {
        proxy.withholdReplyToCommit(3, () -> {});
        try (Connection bystander = viaProxy();
                Connection connection = viaProxy()) {
            connection.setAutoCommit(false);
            for (long id = 1; id <= 2; id++) {
                insert(connection, id);
                connection.commit();
            }
            insert(connection, 3);
            assertThatThrownBy(connection::commit)
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).startsWith("08"));
            assertThat(TestPool.rows(table, "id", "note")).containsOnlyKeys(1L, 2L, 3L);
            assertThat(proxy.withheldCommits()).isEqualTo(1);
            assertThat(count(bystander, "SELECT 1"))
                    .as("other connections are untouched")
                    .isEqualTo(1);
        }
        try (Connection connection = viaProxy()) {
            connection.setAutoCommit(false);
            insert(connection, 4);
            connection.commit();
        }
        assertThat(TestPool.rows(table, "id", "note")).containsOnlyKeys(1L, 2L, 3L, 4L);
        assertThat(proxy.commits()).isEqualTo(4);
    }

    @Test
    void runsTheActionAfterTheServerCommittedAndBeforeTheClientFails() throws SQLException {
        AtomicBoolean clientFailed = new AtomicBoolean();
        AtomicReference<Boolean> clientFailedWhenActionRan = new AtomicReference<>();
        AtomicReference<Long> committedWhenActionRan = new AtomicReference<>();
        proxy.withholdReplyToCommit(1, () -> {
            clientFailedWhenActionRan.set(clientFailed.get());
            committedWhenActionRan.set(countUnchecked("SELECT count(*) FROM " + table.quoted() + " WHERE id = 7"));
        });
        try (Connection connection = viaProxy()) {
            connection.setAutoCommit(false);
            insert(connection, 7);
            assertThatThrownBy(connection::commit).isInstanceOf(SQLException.class);
            clientFailed.set(true);
        }
        assertThat(clientFailedWhenActionRan.get()).isFalse();
        assertThat(committedWhenActionRan.get()).isEqualTo(1);
    }

    @Test
    void droppingAllConnectionsFailsOpenOnesAndRelaysNewOnes() throws SQLException {
        try (Connection connection = viaProxy()) {
            assertThat(count(connection, "SELECT 1")).isEqualTo(1);
            proxy.dropAllConnections();
            assertThatThrownBy(() -> count(connection, "SELECT 1"))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).startsWith("08"));
        }
        try (Connection connection = viaProxy()) {
            assertThat(count(connection, "SELECT 2")).isEqualTo(2);
        }
    }

    @Test
    void closeEndsEveryRelayThread() throws SQLException {
        String prefix = "pg-proxy-" + proxy.port() + "-";
        try (Connection first = viaProxy();
                Connection second = viaProxy()) {
            assertThat(count(first, "SELECT 1") + count(second, "SELECT 1")).isEqualTo(2);
            assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(thread -> thread.getName().startsWith(prefix))
                    .hasSize(5);
            proxy.close();
            assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(thread -> thread.getName().startsWith(prefix))
                    .isEmpty();
            assertThatThrownBy(() -> count(first, "SELECT 1")).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void rewritesHostAndPortOfAJdbcUrlAndKeepsTheRest() {
        String proxied = "jdbc:postgresql://127.0.0.1:" + proxy.port();
        assertThat(proxy.jdbcUrl("jdbc:postgresql://db.example:6543/app?sslmode=prefer&ApplicationName=a:b"))
                .isEqualTo(proxied + "/app?sslmode=prefer&ApplicationName=a:b");
        assertThat(proxy.jdbcUrl("jdbc:postgresql://[::1]/app")).isEqualTo(proxied + "/app");
        assertThatThrownBy(() -> proxy.jdbcUrl("jdbc:postgresql://a:5432,b:5432/app"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private Connection viaProxy() throws SQLException {
        return DriverManager.getConnection(proxy.jdbcUrl(database.jdbcUrl()), database.user(), database.password());
    }

    private void insert(Connection connection, long id) throws SQLException {
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO " + table.quoted() + " (id, note) VALUES (?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, "row " + id);
            insert.executeUpdate();
        }
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long countUnchecked(String sql) {
        try (Connection direct = database.openConnection()) {
            return count(direct, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
