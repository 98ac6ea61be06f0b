package io.pgsink.tools.demo;

import io.pgsink.SinkStats;
import java.io.PrintStream;

/** The demo's progress line: rewritten in place on a terminal, one line a second otherwise. */
final class Progress {

    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private long lastPrinted;

    Progress(PrintStream out) {
        this.out = out;
    }

    void show(SinkStats s, long elapsedNanos) {
        if (!terminal && elapsedNanos - lastPrinted < 1_000_000_000L) {
            return;
        }
        lastPrinted = elapsedNanos;
        out.print(line(s, elapsedNanos) + (terminal ? "\r" : "\n"));
        out.flush();
    }

    void done(SinkStats s, long elapsedNanos) {
        out.println(line(s, elapsedNanos));
    }

    private static String line(SinkStats s, long elapsedNanos) {
        double seconds = Math.max(elapsedNanos / 1e9, 1e-3);
        return String.format(
                "written %,9d  dead-lettered %d  %,8.0f records/s  batch %,6d  lag %,9d  retries %d",
                s.recordsWritten(),
                s.recordsDeadLettered(),
                s.recordsWritten() / seconds,
                s.lastBatchRecords(),
                Math.max(0, s.lag()),
                s.retries());
    }
}
