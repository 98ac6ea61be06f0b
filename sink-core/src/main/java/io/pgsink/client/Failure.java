package io.pgsink.client;

import io.pgsink.error.FailureKind;

/**
 * Why an operation failed: the server's SQLSTATE (or {@code null} when no statement ran, e.g. the database could
 * not be reached), its class, and a message that names columns and constraints but never quotes a value.
 *
 * @param failureClass {@link FailureKind#POISON} for an operation the database refuses (this operation is bad;
 *     the others were written), {@link FailureKind#FATAL} for a problem of the whole batch (a permission, a
 *     missing table), after which nothing of the batch was written
 */
public record Failure(String sqlState, FailureKind failureClass, String message) {}
