package io.pgsink.error;

/** The closed set of ways a write can fail, and so what pgsink does about it. */
public enum FailureKind {
    /** The database or network is briefly unwell: retry the whole batch with backoff, stay in the group. */
    TRANSIENT,
    /** This record is bad: isolate it, write the rest, dead-letter it with context. */
    POISON,
    /** The pipeline is wrong (schema, permissions, unknown): stop the affected partitions, dead-letter nothing. */
    FATAL
}
