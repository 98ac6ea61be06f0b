package io.pgsink.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

class FailureDescriptionTest {

    private static PSQLException terminated() {
        return new PSQLException(
                new ServerErrorMessage("SFATAL\0C57P01\0Mterminating connection due to administrator command\0"));
    }

    @Test
    void namesTheServersSqlStateWhenTheBrokenConnectionIsReportedBeneathIt() {
        PSQLException server = terminated();
        server.setNextException(new PSQLException("An I/O error occurred", PSQLState.CONNECTION_FAILURE));

        FailureDescription d = FailureDescription.of(new RuntimeException(server));

        assertThat(d.sqlState()).isEqualTo("57P01");
        assertThat(d.message()).isEqualTo("terminating connection due to administrator command");
    }

    @Test
    void namesTheServersSqlStateWhenItIsTheCauseOfTheConnectionFailure() {
        SQLException io = new PSQLException("An I/O error occurred", PSQLState.CONNECTION_FAILURE, terminated());

        assertThat(FailureDescription.of(io).sqlState()).isEqualTo("57P01");
    }

    @Test
    void withoutAServerMessageTheDeepestSqlStateIsNamed() {
        SQLException outer = new SQLException("Connection is not available", "08001");
        outer.setNextException(new SQLException("refused", "08004"));

        assertThat(FailureDescription.of(outer).sqlState()).isEqualTo("08004");
    }
}
