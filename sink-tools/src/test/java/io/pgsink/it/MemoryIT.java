package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.testing.ChildJvm;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A large backlog through a worker with a small heap: fetching pauses at buffer.max.bytes, nothing runs out. */
class MemoryIT {

    private static final int RECORDS = 2_000_000;

    @Test
    void twoMillionRecordBacklogFitsA256MegabyteHeap() throws Exception {
        SinkFixture f = new SinkFixture("memory", 8);
        f.produce(0, RECORDS, id -> 1);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, String> config =
                f.config("write.mode", "upsert", "write.concurrency", "2", "http.port", Integer.toString(port));
        try (ChildJvm worker = ChildJvm.start(
                List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"),
                List.of("run", "--config", ChildJvm.propertiesFile(config).toString()),
                Map.of())) {
            await().atMost(Duration.ofMinutes(8))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> !worker.process().isAlive() || f.committedTotal() == RECORDS);
            assertThat(worker.process().isAlive()).as(worker.output()).isTrue();
            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            long peak = metric(metrics, "jvm_heap_used_peak_bytes");
            long afterGc = metric(metrics, "jvm_heap_used_after_gc_peak_bytes");
            System.out.printf(
                    "worker heap for %,d records: peak %,d bytes, peak right after a collection %,d bytes%n",
                    RECORDS, peak, afterGc);
            // The peak cannot pass -Xmx (the JVM would fail first); what shows the buffer cap working is that even
            // right after a collection the heap was never full. Not a tight bound: a young collection leaves the
            // old generation's garbage, which G1 lets grow to well over half the heap (measured: 173-199 MiB).
            assertThat(peak).isPositive();
            assertThat(afterGc).isPositive().isLessThan(256L * 1024 * 1024 * 95 / 100);
            worker.terminate();
            worker.waitFor(Duration.ofSeconds(60));
            assertThat(worker.output()).doesNotContain("OutOfMemoryError");
        }
        assertThat(f.rowCount()).isEqualTo(RECORDS);
    }

    private static long metric(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as(metrics).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }
}
