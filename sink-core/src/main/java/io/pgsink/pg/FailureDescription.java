package io.pgsink.pg;

import io.pgsink.error.FailureClassifier;
import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * What PostgreSQL said about a failure, without row values: the primary message (never the {@code Detail:} line,
 * which quotes rows), the SQLSTATE and the table, column and constraint the server names, plus what an operator
 * should do about it.
 */
public record FailureDescription(String sqlState, String message, String table, String column, String constraint) {

    public static FailureDescription of(Throwable failure) {
        ServerErrorMessage server = serverMessage(failure);
        // The server's own SQLSTATE (57P01: terminated by an administrator) says more than the one pgjdbc gives the
        // broken connection it left behind (08006).
        String state = server != null && server.getSQLState() != null
                ? server.getSQLState()
                : FailureClassifier.sqlState(failure);
        if (server != null) {
            return new FailureDescription(
                    state, server.getMessage(), server.getTable(), server.getColumn(), server.getConstraint());
        }
        // pgjdbc's own batch messages quote the statement with its parameter values: never pass them on.
        String message = failure.getMessage() == null || failure instanceof java.sql.BatchUpdateException
                ? failure.getClass().getSimpleName()
                : failure.getMessage();
        return new FailureDescription(state, firstLine(message), null, null, null);
    }

    /** The message plus a sentence saying what to do, for fatal errors. */
    public String withAdvice() {
        return message + (sqlState == null ? "" : " (SQLSTATE " + sqlState + ")") + ": " + advice();
    }

    private String advice() {
        if (sqlState == null) {
            return "see the worker log for the cause, fix it and restart the worker";
        }
        switch (sqlState) {
            case "42703":
                return "add the column or map the field elsewhere, then restart the worker";
            case "42P01":
                return "create the table or fix the 'table' setting, then restart the worker";
            case "42501":
                return "grant INSERT (and UPDATE for upsert) on the table to the sink's user";
            case "42P10":
                return "key.columns must match a unique index or constraint of the table";
            default:
                break;
        }
        if (sqlState.startsWith("28")) {
            return "check postgres.user and postgres.password";
        }
        return "fix the cause and restart the worker; the affected records are not committed and will be retried";
    }

    private static ServerErrorMessage serverMessage(Throwable failure) {
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof PSQLException && ((PSQLException) t).getServerErrorMessage() != null) {
                return ((PSQLException) t).getServerErrorMessage();
            }
        }
        return null;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof SQLException
                && ((SQLException) t).getNextException() != null
                && ((SQLException) t).getNextException() != t) {
            return ((SQLException) t).getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
