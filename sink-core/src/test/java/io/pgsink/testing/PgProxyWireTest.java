package io.pgsink.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgsink.model.TableRef;
import io.pgsink.testing.PgMessages.Message;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy seen by a client that speaks the protocol by hand, for what pgjdbc never does on its own. */
class PgProxyWireTest {

    private final TestDatabase database = TestDatabase.get();
    private PgProxy proxy;

    @BeforeEach
    void startProxy() {
        proxy = PgProxy.startFor(database.jdbcUrl());
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void refusesEncryptionThenRelaysThePlainStartup() throws IOException, SQLException {
        try (Socket socket = connect()) {
            DataInputStream in = input(socket);
            send(socket, request(PgMessages.SSL_REQUEST));
            assertThat(in.read()).isEqualTo('N');
            send(socket, request(PgMessages.GSSENC_REQUEST));
            assertThat(in.read()).isEqualTo('N');
            send(socket, startup());
            assertThat((char) PgMessages.read(in).type)
                    .as("an authentication request")
                    .isEqualTo('R');
        }
    }

    @Test
    void repliesInFlightBeforeTheWithheldCommitStillReachTheClient() throws IOException, SQLException {
        TableRef table = TestPool.createTable("id bigint PRIMARY KEY");
        proxy.withholdReplyToCommit(1, () -> {});
        try (Socket socket = connect()) {
            DataInputStream in = input(socket);
            send(socket, startup());
            Message auth = PgMessages.read(in);
            assumeTrue(auth.type == 'R' && ByteBuffer.wrap(auth.body).getInt() == 0, "the server trusts the user");
            while (PgMessages.read(in).type != PgMessages.READY_FOR_QUERY) {
                // parameter statuses and the backend key
            }
            // One write: the replies to BEGIN and INSERT are still on their way when the COMMIT is forwarded.
            send(socket, query("BEGIN"), query("INSERT INTO " + table.quoted() + " VALUES (1)"), query("COMMIT"));
            List<String> replies = new ArrayList<>();
            for (Message reply = PgMessages.read(in); reply != null; reply = PgMessages.read(in)) {
                replies.add(reply.type == 'C' ? "C " + reply.cstrings(0, 1)[0] : String.valueOf((char) reply.type));
            }
            assertThat(replies).containsExactly("C BEGIN", "Z", "C INSERT 0 1", "Z");
        }
        assertThat(TestPool.count(table)).as("the COMMIT reached the server").isEqualTo(1);
        assertThat(proxy.withheldCommits()).isEqualTo(1);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(PgProxy.LOOPBACK, proxy.port());
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static DataInputStream input(Socket socket) throws IOException {
        return new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    }

    private static void send(Socket socket, byte[]... packets) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] packet : packets) {
            all.writeBytes(packet);
        }
        OutputStream out = socket.getOutputStream();
        out.write(all.toByteArray());
        out.flush();
    }

    private static byte[] request(int code) {
        return ByteBuffer.allocate(8).putInt(8).putInt(code).array();
    }

    private byte[] startup() throws SQLException {
        String parameters = "user\0" + database.user() + "\0database\0" + databaseName() + "\0\0";
        byte[] bytes = parameters.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + bytes.length)
                .putInt(8 + bytes.length)
                .putInt(196608) // protocol 3.0
                .put(bytes)
                .array();
    }

    private static byte[] query(String sql) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Message((byte) 'Q', (sql + "\0").getBytes(StandardCharsets.UTF_8)).writeTo(out);
        return out.toByteArray();
    }

    private String databaseName() throws SQLException {
        try (Connection connection = database.openConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
