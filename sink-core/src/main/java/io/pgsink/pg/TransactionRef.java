package io.pgsink.pg;

/**
 * Identifies a transaction across connections for as long as the server that ran it stays up: its
 * {@code txid_current()} and the server's {@code pg_postmaster_start_time()}. After a server restart the same id
 * may name another transaction, so a reference whose server start differs answers nothing.
 */
public record TransactionRef(long id, String serverStartedAt) {}
