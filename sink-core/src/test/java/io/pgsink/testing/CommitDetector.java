package io.pgsink.testing;

import io.pgsink.testing.PgMessages.Message;
import java.net.ProtocolException;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tells, from one connection's frontend messages, which message executes a COMMIT. Scanning the bytes for "COMMIT"
 * is not enough: pgjdbc sends the text once per connection, prepares it on the server as a named statement once
 * it has been used {@code prepareThreshold} times, and from then on sends only Bind and Execute. So this follows
 * the names: which prepared statements hold COMMIT, which portals are bound to one of those.
 */
final class CommitDetector {

    private static final Pattern COMMIT = Pattern.compile("\\s*commit\\s*;?\\s*", Pattern.CASE_INSENSITIVE);

    private final Set<String> commitStatements = new HashSet<>();
    private final Set<String> commitPortals = new HashSet<>();

    /** Whether the message executes a COMMIT; call it with every frontend message after startup, in order. */
    boolean executesCommit(Message message) throws ProtocolException {
        switch (message.type) {
            case 'P' -> {
                String[] nameAndQuery = message.cstrings(0, 2);
                update(commitStatements, nameAndQuery[0], isCommit(nameAndQuery[1]));
            }
            case 'B' -> {
                String[] portalAndStatement = message.cstrings(0, 2);
                update(commitPortals, portalAndStatement[0], commitStatements.contains(portalAndStatement[1]));
            }
            case 'E' -> {
                return commitPortals.contains(message.cstrings(0, 1)[0]);
            }
            case 'C' -> {
                String name = message.cstrings(1, 1)[0];
                (message.body[0] == 'S' ? commitStatements : commitPortals).remove(name);
            }
            case 'Q' -> {
                // A simple query destroys the unnamed statement and the unnamed portal.
                commitStatements.remove("");
                commitPortals.remove("");
                return isCommit(message.cstrings(0, 1)[0]);
            }
            default -> {}
        }
        return false;
    }

    static boolean isCommit(String sql) {
        return COMMIT.matcher(sql).matches();
    }

    private static void update(Set<String> names, String name, boolean commit) {
        if (commit) {
            names.add(name);
        } else {
            names.remove(name);
        }
    }
}
