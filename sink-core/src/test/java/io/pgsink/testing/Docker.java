package io.pgsink.testing;

import org.testcontainers.DockerClientFactory;

/**
 * Whether Testcontainers can reach a Docker engine. Asked once per JVM: each probe costs about a second when there
 * is no engine, and the Kafka and PostgreSQL fixtures both need the answer.
 */
public final class Docker {

    private static Boolean available;

    private Docker() {}

    public static synchronized boolean available() {
        if (available == null) {
            available = probe();
        }
        return available;
    }

    private static boolean probe() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            // A broken Docker set-up must fall back to the embedded services, never fail the test run.
            return false;
        }
    }
}
