package io.pgsink.client;

/** Receives each operation's outcome, in operation order ({@link BatchResult#processAll}). */
@FunctionalInterface
public interface OutcomeProcessor {
    void process(int index, Outcome outcome) throws Exception;
}
