package io.pgsink.app;

import io.pgsink.Health;
import io.pgsink.SinkStatus;
import io.pgsink.SinkWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the health endpoints answer: a status code and a JSON body (maps and lists, written by Jackson). */
final class HealthChecks {

    /** An HTTP answer: its status code and a body for Jackson. */
    record Answer(int code, Object body) {}

    private final SinkWorker worker;
    private final Duration liveBound;

    HealthChecks(SinkWorker worker, Duration liveBound) {
        this.worker = worker;
        this.liveBound = liveBound;
    }

    /** Live: the poll thread went round recently and the worker has not failed or stopped. */
    Answer live() {
        SinkStatus s = worker.status();
        List<String> problems = new ArrayList<>();
        if (!s.health().isHealthy()) {
            problems.add("worker " + s.health().status() + ": " + s.health().detail());
        }
        Instant lastPoll = s.lastPoll();
        if (lastPoll != null && lastPoll.isBefore(Instant.now().minus(liveBound))) {
            problems.add(
                    "the poll loop has not gone round since " + lastPoll + " (bound " + liveBound.toMillis() + " ms)");
        }
        Map<String, Object> body = verdict(problems);
        body.put("lastPoll", lastPoll == null ? null : lastPoll.toString());
        return new Answer(problems.isEmpty() ? 200 : 503, body);
    }

    /**
     * Ready: partitions assigned, no lane failed, and the database reachable as far as writing tells (a lane
     * retrying a transient failure, an outage, makes the worker DEGRADED).
     */
    Answer ready() {
        SinkStatus s = worker.status();
        List<String> problems = new ArrayList<>();
        if (s.health().status() != Health.Status.RUNNING) {
            problems.add("worker " + s.health().status() + ": " + s.health().detail());
        }
        if (s.assignedPartitions() == 0) {
            problems.add("no partition assigned");
        }
        for (SinkStatus.Lane lane : s.lanes()) {
            if (lane.state() == Health.Status.FAILED) {
                problems.add("lane " + lane.lane() + " FAILED");
            }
        }
        Map<String, Object> body = verdict(problems);
        body.put("assignedPartitions", s.assignedPartitions());
        return new Answer(problems.isEmpty() ? 200 : 503, body);
    }

    /** The detail, for operators; 200 unless failed or stopped, as /health has always answered. */
    Answer detail() {
        SinkStatus s = worker.status();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", s.health().status().name());
        body.put("detail", s.health().detail());
        body.put("lanes", s.lanes().stream().map(HealthChecks::lane).toList());
        body.put("routes", s.routes().stream().map(HealthChecks::route).toList());
        body.put("assignedPartitions", s.assignedPartitions());
        body.put("pausedPartitions", s.pausedPartitions());
        body.put("lag", s.totalLag());
        body.put("bufferedBytes", s.bufferedBytes());
        body.put("lastCommit", s.lastCommit() == null ? null : s.lastCommit().toString());
        body.put("lastPoll", s.lastPoll() == null ? null : s.lastPoll().toString());
        return new Answer(s.health().isHealthy() ? 200 : 503, body);
    }

    private static Map<String, Object> verdict(List<String> problems) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", problems.isEmpty() ? "UP" : "DOWN");
        body.put("problems", problems);
        return body;
    }

    private static Map<String, Object> lane(SinkStatus.Lane lane) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lane", lane.lane());
        m.put("state", lane.state().name());
        m.put("batchSizeTarget", lane.batchSizeTarget());
        return m;
    }

    static Map<String, Object> route(SinkStatus.Route route) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("route", route.route());
        m.put("table", route.table());
        m.put("state", route.state().name());
        return m;
    }
}
