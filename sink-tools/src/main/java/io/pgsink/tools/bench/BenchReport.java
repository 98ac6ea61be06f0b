package io.pgsink.tools.bench;

import java.util.List;

/**
 * Everything one {@code pgsink bench} run measured, with the machine it ran on.
 *
 * @param upsertCeiling for reference: the same rows upserted the way pgsink's COPY path does, from memory
 * @param pipeline the worker measurements on the backlog, in the order they ran
 * @param seconds the whole run, start-up of the embedded servers included
 */
record BenchReport(
        BenchOptions options,
        Machine machine,
        Measurement copyCeiling,
        Measurement upsertCeiling,
        Measurement rowByRow,
        List<Measurement> pipeline,
        List<LatencyRun.Latency> latency,
        double seconds) {

    /**
     * The machine and the software under the measurement.
     *
     * @param loadAverageAtStart the one-minute load average before the bench started its servers: other work on
     *     the machine, which the figures share the cores with
     */
    record Machine(int cpus, long memoryBytes, String java, String postgres, String kafka, double loadAverageAtStart) {}

    double vsCopy(Measurement m) {
        return m.rowsPerSecond() / copyCeiling.rowsPerSecond();
    }

    /** NaN when the row-by-row baseline did not run. */
    double vsRowByRow(Measurement m) {
        return rowByRow == null ? Double.NaN : m.rowsPerSecond() / rowByRow.rowsPerSecond();
    }
}
