package io.pgsink.worker;

import io.pgsink.ClientObserver;
import io.pgsink.SinkEvent;
import io.pgsink.SinkListener;
import io.pgsink.model.ClientHook;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each event to every registered listener, and each opened client to those that observe clients. A listener
 * that throws is logged once per listener and event type and otherwise ignored: it never affects delivery.
 */
final class Events implements SinkListener, ClientHook {

    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    private final List<SinkListener> listeners;
    private final List<ClientObserver> observers;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    Events(List<SinkListener> listeners) {
        this.listeners = List.copyOf(listeners);
        this.observers = listeners.stream()
                .filter(ClientObserver.class::isInstance)
                .map(ClientObserver.class::cast)
                .toList();
    }

    /** The listeners given, then those found through {@link ServiceLoader} on the class path. */
    static Events registered(List<SinkListener> programmatic) {
        List<SinkListener> all = new ArrayList<>(programmatic);
        for (SinkListener found : ServiceLoader.load(SinkListener.class)) {
            all.add(found);
        }
        return new Events(all);
    }

    /** Whether anyone listens: callers skip building events nobody would read. */
    boolean any() {
        return !listeners.isEmpty();
    }

    @Override
    public void onEvent(SinkEvent event) {
        for (SinkListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                reportOnce(listener, event.getClass().getSimpleName(), e);
            }
        }
    }

    @Override
    public void opened(Object client) {
        for (ClientObserver observer : observers) {
            try {
                observer.opened(client);
            } catch (RuntimeException e) {
                reportOnce(observer, "opened", e);
            }
        }
    }

    @Override
    public void closing(Object client) {
        for (ClientObserver observer : observers) {
            try {
                observer.closing(client);
            } catch (RuntimeException e) {
                reportOnce(observer, "closing", e);
            }
        }
    }

    private void reportOnce(Object listener, String what, RuntimeException e) {
        String key = listener.getClass().getName() + "@" + System.identityHashCode(listener) + ":" + what;
        if (reported.add(key)) {
            LOG.warn(
                    "listener {} failed on {} and is ignored for it (logged once per listener and event type;"
                            + " delivery is not affected)",
                    listener.getClass().getName(),
                    what,
                    e);
        }
    }
}
