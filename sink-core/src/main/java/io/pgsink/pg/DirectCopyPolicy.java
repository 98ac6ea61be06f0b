package io.pgsink.pg;

/**
 * When an upsert writer tries a plain COPY into the table before the staging path (see
 * {@link CopyLoader}). A conflict wastes the attempt, so after one the writer waits before trying again: 8
 * writes after the first conflict, doubling with each conflict in a row up to 1,024; a success resets the wait.
 * A stream of mostly new keys (events, replays after a restart) goes direct almost always; a stream of mostly
 * updates pays for about one wasted attempt in a thousand writes. Not thread safe: one per session.
 */
final class DirectCopyPolicy {

    static final int FIRST_WAIT = 8;
    static final int MAX_WAIT = 1_024;

    private int wait;
    private int skipLeft;

    /** Whether to try the direct COPY for this write; counts the write either way. */
    boolean tryNow() {
        if (skipLeft > 0) {
            skipLeft--;
            return false;
        }
        return true;
    }

    void conflicted() {
        wait = wait == 0 ? FIRST_WAIT : Math.min(MAX_WAIT, wait * 2);
        skipLeft = wait;
    }

    void succeeded() {
        wait = 0;
    }
}
