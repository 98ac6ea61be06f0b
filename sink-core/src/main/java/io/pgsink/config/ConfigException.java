package io.pgsink.config;

import java.util.List;

/**
 * Invalid configuration: one exception lists every problem found, so an operator fixes them in one pass.
 *
 * <p>Each problem is one line that starts with the offending key (or environment variable) and says how to fix
 * it. Problems never contain the value of a secret key.
 */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    /**
     * Creates an exception for the given problems.
     *
     * @param problems one or more lines of the form {@code key: what is wrong; how to fix it}
     * @throws IllegalArgumentException if {@code problems} is empty
     */
    public ConfigException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** The problems, in the order they were found; never empty. */
    public List<String> problems() {
        return problems;
    }

    static void throwIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static String message(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        String count = problems.size() == 1 ? "1 problem" : problems.size() + " problems";
        StringBuilder message = new StringBuilder("Invalid pgsink configuration (")
                .append(count)
                .append("):");
        problems.forEach(problem -> message.append("\n- ").append(problem));
        return message.toString();
    }
}
