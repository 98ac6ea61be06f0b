package io.pgsink.tools.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The report as one JSON object for machines; rates in rows per second, times in milliseconds, sizes in bytes. */
final class ReportJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportJson() {}

    static String render(BenchReport r) throws JsonProcessingException {
        ObjectNode root = JSON.createObjectNode();
        root.set(
                "settings",
                JSON.createObjectNode()
                        .put("records", r.options().records())
                        .put("partitions", r.options().partitions())
                        .put("rate", r.options().rate())
                        .put("rowByRowSample", r.options().rowByRowSample())
                        .put("writeMode", r.options().library() ? "insert" : "upsert")
                        .put("workerXmx", BenchOptions.WORKER_XMX)
                        .put("latencySeconds", BenchOptions.LATENCY_SECONDS)
                        .put("observability", r.options().observability().label()));
        root.set("machine", JSON.valueToTree(r.machine()));
        if (r.options().throughput()) {
            root.set("copyCeiling", throughput(r, r.copyCeiling()));
            if (r.upsertCeiling() != null) {
                root.set("copyUpsertReference", throughput(r, r.upsertCeiling()));
            }
            if (r.rowByRow() != null) {
                root.set("rowByRow", throughput(r, r.rowByRow()));
            }
        }
        ObjectNode pipeline = root.putObject("pipeline");
        r.pipeline().forEach(m -> pipeline.set(m.name(), throughput(r, m)));
        ArrayNode latency = root.putArray("latency");
        r.latency().forEach(l -> latency.add(latency(l)));
        if (r.options().library()) {
            ObjectNode library = root.putObject("library");
            r.library().forEach(x -> library.set(x.name(), library(r, x)));
        }
        root.put("seconds", r.seconds());
        return JSON.writeValueAsString(root);
    }

    private static ObjectNode throughput(BenchReport r, Measurement m) {
        ObjectNode node = JSON.createObjectNode()
                .put("description", m.description())
                .put("rows", m.rows())
                .put("seconds", m.seconds())
                .put("rowsPerSecond", m.rowsPerSecond())
                .put("vsCopyCeiling", r.vsCopy(m))
                .put("vsRowByRow", r.rowByRow() == null ? null : r.vsRowByRow(m));
        if (m.worker() != null) {
            node.put("bytes", m.bytes()).put("megabytesPerSecond", m.megabytesPerSecond());
            node.put("firstCommitSeconds", m.firstCommitSeconds());
            node.set(
                    "worker",
                    worker(m.worker()).put("meanBatchRecords", m.worker().meanBatch(m.rows())));
        }
        return node;
    }

    private static ObjectNode library(BenchReport r, LibraryRun.Result x) {
        return JSON.createObjectNode()
                .put("description", x.description())
                .put("rows", x.rows())
                .put("seconds", x.seconds())
                .put("rowsPerSecond", x.rowsPerSecond())
                .put("vsJdbcLoop", r.libraryVs(x, LibraryRun.BASELINE))
                .put("vsJdbcLoopAutocommit", r.libraryVs(x, LibraryRun.AUTOCOMMIT))
                .put("peakHeapBytes", x.peakHeapBytes())
                .put("maxHeapAfterGcBytes", x.maxHeapAfterGcBytes());
    }

    private static ObjectNode latency(LatencyRun.Latency l) {
        ObjectNode node = JSON.createObjectNode()
                .put("writeConcurrency", l.concurrency())
                .put("offeredRate", l.offeredRate())
                .put("achievedRate", l.achievedRate())
                .put("warmupSeconds", l.warmupSeconds())
                .put("caughtUp", l.caughtUp())
                .put("producerMaxLateMillis", l.maxLateMillis());
        node.set("measured", JSON.valueToTree(l.measured()));
        node.set("includingColdStart", JSON.valueToTree(l.all()));
        node.set("worker", worker(l.worker()));
        return node;
    }

    private static ObjectNode worker(Measurement.WorkerFigures w) {
        ObjectNode node = JSON.createObjectNode()
                .put("batches", w.batches())
                .put("retries", w.retries())
                .put("xmx", w.xmx())
                .put("maxHeapAfterGcBytes", w.maxHeapAfterGcBytes())
                .put("finalBatchTargetRecords", w.finalTargetRecords())
                .put("cpuSeconds", w.cpuSeconds());
        if (w.peakHeapBytes() >= 0) {
            node.put("peakHeapBytes", w.peakHeapBytes());
        } else {
            node.putNull("peakHeapBytes");
        }
        return node;
    }
}
