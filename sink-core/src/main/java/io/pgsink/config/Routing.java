package io.pgsink.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which route a topic belongs to and which table its records go to. Topics named in lists are checked when the
 * configuration is parsed; a topic found later by a pattern is checked here, when it is first seen, and refused
 * (never guessed) when it matches two routes or makes a table name PostgreSQL would cut. Thread safe (immutable).
 */
public final class Routing {

    private final List<Route> routes;

    public Routing(List<Route> routes) {
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("at least one route");
        }
        this.routes = List.copyOf(routes);
    }

    public List<Route> routes() {
        return routes;
    }

    /** Whether any route reads topics by pattern, so the consumer must subscribe by pattern too. */
    public boolean hasPatterns() {
        return routes.stream().anyMatch(r -> r.topicPattern() != null);
    }

    /** Every listed topic, in route order. */
    public List<String> listedTopics() {
        return routes.stream().flatMap(r -> r.topics().stream()).distinct().collect(Collectors.toList());
    }

    /** One pattern for the consumer: every route's pattern and every listed topic, or empty when none has one. */
    public Optional<Pattern> subscription() {
        if (!hasPatterns()) {
            return Optional.empty();
        }
        String union = routes.stream()
                .flatMap(r -> r.topicPattern() != null
                        ? java.util.stream.Stream.of("(?:" + r.topicPattern().pattern() + ")")
                        : r.topics().stream().map(Pattern::quote))
                .collect(Collectors.joining("|"));
        return Optional.of(Pattern.compile(union));
    }

    /**
     * The route of {@code topic}.
     *
     * @throws RouteException when no route or more than one route claims the topic
     */
    public Route routeOf(String topic) {
        List<Route> matching = routes.stream().filter(r -> r.matches(topic)).collect(Collectors.toList());
        if (matching.size() == 1) {
            return matching.get(0);
        }
        if (matching.isEmpty()) {
            throw new RouteException(
                    "topic " + topic + " belongs to no route; this worker was not configured to" + " read it");
        }
        throw new RouteException("topic " + topic + " matches routes "
                + matching.stream().map(Route::name).collect(Collectors.joining(" and "))
                + "; a topic belongs to one route: narrow their topics.regex so that only one matches, then restart");
    }

    /**
     * The table for records of {@code topic}, checked as the configuration checks fixed names.
     *
     * @throws RouteException when the topic has no single route or its table name would be cut by PostgreSQL
     */
    public String tableOf(String topic) {
        Route route = routeOf(topic);
        String table = route.tableFor(topic);
        if (!table.equals(route.table())) {
            List<String> problems = new java.util.ArrayList<>();
            RouteChecks.identifier("route " + route.name() + ", topic " + topic, lastPart(table), problems);
            if (!problems.isEmpty()) {
                throw new RouteException(problems.get(0) + "; shorten the table template or the topic");
            }
        }
        return table;
    }

    private static String lastPart(String table) {
        return io.pgsink.model.TableRef.parse(table).name();
    }

    /** A topic that cannot be routed: fatal for that topic's partitions, named in health. */
    public static final class RouteException extends RuntimeException {
        public RouteException(String message) {
            super(message);
        }
    }
}
