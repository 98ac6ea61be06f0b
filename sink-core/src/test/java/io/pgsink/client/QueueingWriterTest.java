package io.pgsink.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The queueing writer's lifecycle against a database that never answers (nothing listens on its port). */
class QueueingWriterTest {

    @Test
    void aClientWithItsOwnPoolBuildsWhileItsDatabaseIsUnreachable() throws IOException {
        try (PgBatchClient client = unreachableClient()) {
            assertThat(client.poolUsage()[0]).as("active connections").isZero();
        }
    }

    @Test
    void closeCompletesEveryFutureWhenTheDatabaseStaysUnreachablePastTheCloseTimeout() throws IOException {
        try (PgBatchClient client = unreachableClient()) {
            QueueingWriter writer =
                    client.queueingWriter().closeTimeout(Duration.ofMillis(100)).build();
            List<CompletableFuture<Outcome>> futures = new ArrayList<>();
            for (int id = 0; id < 10; id++) {
                futures.add(writer.insert("t", Map.of("id", id)));
            }

            // The writer is retrying its batch (budget: minutes) when close() gives up and interrupts it.
            writer.close();

            assertThat(futures)
                    .as("every future is complete once close() returns, the batch in hand included")
                    .allMatch(CompletableFuture::isCompletedExceptionally);
        }
    }

    private static PgBatchClient unreachableClient() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        return PgBatchClient.builder("jdbc:postgresql://127.0.0.1:" + port + "/none", "none", "none")
                .poolSize(1)
                .acquireTimeout(Duration.ofMillis(250))
                .retry(Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMinutes(10))
                .circuitBreaker(0, Duration.ofSeconds(1))
                .build();
    }
}
