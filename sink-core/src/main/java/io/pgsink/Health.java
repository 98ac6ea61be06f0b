package io.pgsink;

/**
 * The worker's health, for probes and operators.
 *
 * @param detail a sentence saying why, when not {@link Status#RUNNING}; never row values or secrets
 */
public record Health(Status status, String detail) {

    public enum Status {
        /** Started, not yet consuming. */
        STARTING,
        /** Consuming and writing. */
        RUNNING,
        /** Writing is retrying a transient failure (database unreachable, say); fetching is paused meanwhile. */
        DEGRADED,
        /** A fatal failure stopped writing for some or all partitions: an operator must act. */
        FAILED,
        /** Shut down. */
        STOPPED
    }

    /** True unless failed or stopped: what a liveness probe should report. */
    public boolean isHealthy() {
        return status != Status.FAILED && status != Status.STOPPED;
    }
}
