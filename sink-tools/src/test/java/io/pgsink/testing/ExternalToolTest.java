package io.pgsink.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class ExternalToolTest {

    @Test
    void findsAProgramOnThePathAndRunsIt() throws Exception {
        ExternalTool sh = ExternalTool.require("dash", "no-such-program-pgsink", "sh");

        ExternalTool.Result result =
                sh.run(Path.of("."), Duration.ofSeconds(30), "-c", "echo out; echo err >&2; exit 3");

        assertThat(result.exitStatus()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
    }

    @Test
    void aMissingToolSkipsTheTestOnADevelopersMachineAndFailsItInCi() {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));

        if (ci) {
            assertThatThrownBy(() -> ExternalTool.require("pgsink-nothing", "no-such-program-pgsink"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("apt-get install -y pgsink-nothing")
                    .hasMessageContaining("CI must run this test");
        } else {
            assertThatThrownBy(() -> ExternalTool.require("pgsink-nothing", "no-such-program-pgsink"))
                    .isInstanceOf(TestAbortedException.class)
                    .hasMessageContaining("skipped: no-such-program-pgsink is not on the PATH")
                    .hasMessageContaining("apt-get install -y pgsink-nothing");
        }
    }
}
