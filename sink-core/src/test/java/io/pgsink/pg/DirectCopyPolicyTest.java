package io.pgsink.pg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DirectCopyPolicyTest {

    private static int skipped(DirectCopyPolicy policy) {
        int skipped = 0;
        while (!policy.tryNow()) {
            skipped++;
        }
        return skipped;
    }

    @Test
    void triesEveryWriteUntilAConflict() {
        DirectCopyPolicy policy = new DirectCopyPolicy();

        for (int i = 0; i < 100; i++) {
            assertThat(policy.tryNow()).isTrue();
            policy.succeeded();
        }
    }

    @Test
    void waitsLongerAfterEachConflictInARowUpToTheCapAndStartsOverAfterASuccess() {
        DirectCopyPolicy policy = new DirectCopyPolicy();

        policy.conflicted();
        assertThat(skipped(policy)).isEqualTo(8);
        policy.conflicted();
        assertThat(skipped(policy)).isEqualTo(16);
        for (int i = 0; i < 10; i++) {
            policy.conflicted();
            skipped(policy);
        }
        policy.conflicted();
        assertThat(skipped(policy)).isEqualTo(DirectCopyPolicy.MAX_WAIT);

        policy.succeeded();
        assertThat(policy.tryNow()).isTrue();
        policy.conflicted();
        assertThat(skipped(policy)).isEqualTo(DirectCopyPolicy.FIRST_WAIT);
    }
}
