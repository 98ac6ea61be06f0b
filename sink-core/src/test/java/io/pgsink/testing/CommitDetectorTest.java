package io.pgsink.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsink.testing.PgMessages.Message;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CommitDetectorTest {

    private final CommitDetector detector = new CommitDetector();

    @Test
    void countsEveryExecuteOfAPortalBoundToANamedCommitStatement() throws ProtocolException {
        assertThat(detector.executesCommit(message('P', "S_1\0COMMIT\0\0\0"))).isFalse();
        for (int i = 0; i < 3; i++) {
            assertThat(detector.executesCommit(message('B', "\0S_1\0\0\0\0\0\0\0")))
                    .isFalse();
            assertThat(detector.executesCommit(message('E', "\0\0\0\0\1"))).isTrue();
            assertThat(detector.executesCommit(message('S', ""))).isFalse();
        }
    }

    @Test
    void forgetsACommitStatementOnceItIsClosedOrTheUnnamedOneIsReplaced() throws ProtocolException {
        detector.executesCommit(message('P', "S_1\0commit;\0\0\0"));
        detector.executesCommit(message('C', "SS_1\0"));
        detector.executesCommit(message('B', "\0S_1\0\0\0\0\0\0\0"));
        assertThat(detector.executesCommit(message('E', "\0\0\0\0\0"))).isFalse();

        detector.executesCommit(message('P', "\0COMMIT\0\0\0"));
        detector.executesCommit(message('P', "\0INSERT INTO t VALUES (1)\0\0\0"));
        detector.executesCommit(message('B', "\0\0\0\0\0\0\0\0"));
        assertThat(detector.executesCommit(message('E', "\0\0\0\0\0"))).isFalse();
    }

    @Test
    void aSimpleQueryCountsWhenItsWholeTextIsCommit() throws ProtocolException {
        assertThat(detector.executesCommit(message('Q', " Commit ; \0"))).isTrue();
        assertThat(detector.executesCommit(message('Q', "COMMIT\0"))).isTrue();
        assertThat(detector.executesCommit(message('Q', "COMMIT PREPARED 'tx'\0")))
                .isFalse();
        assertThat(detector.executesCommit(message('Q', "SELECT 'COMMIT'\0"))).isFalse();
        assertThat(detector.executesCommit(message('Q', "INSERT INTO t VALUES (1); COMMIT\0")))
                .isFalse();
    }

    @Test
    void rejectsAStringWithoutItsTerminator() {
        Message truncated = message('Q', "COMMIT");
        assertThatThrownBy(() -> detector.executesCommit(truncated)).isInstanceOf(ProtocolException.class);
    }

    /** A message whose body is the text's bytes; the text spells out every null byte. */
    private static Message message(char type, String body) {
        return new Message((byte) type, body.getBytes(StandardCharsets.UTF_8));
    }
}
