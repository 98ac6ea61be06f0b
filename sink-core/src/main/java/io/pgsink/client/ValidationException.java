package io.pgsink.client;

import java.util.List;

/**
 * A batch refused before any SQL ran: each problem names the operation's index, its table and column, and what
 * the column expects; never a value.
 */
public final class ValidationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    ValidationException(List<String> problems) {
        super("batch refused before any SQL ran (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                + "): " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
