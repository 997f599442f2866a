package io.sipdispatch.server.events;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.dispatcher.DispatchTable;
import io.sipdispatch.server.config.EventSettings;
import io.sipdispatch.server.config.WebhookSpec;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Destination state changes, wherever they come from (failover, keepalives): one log line each, an
 * in-memory history of the last ones, and every configured webhook. At start every destination's state is
 * emitted once with reason {@code initial}, so that monitoring learns every destination without polling.
 */
public final class DestinationEvents implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DestinationEvents.class);

    /** Log only: for tests and tools that need no history or webhooks. */
    public static DestinationEvents logOnly() {
        return new DestinationEvents(new EventSettings(0, List.of()), Clock.systemUTC());
    }

    private final int historySize;
    private final ArrayDeque<StateChange> history = new ArrayDeque<>();
    private final List<Webhook> webhooks = new ArrayList<>();
    private final Clock clock;

    public DestinationEvents(EventSettings settings, Clock clock) {
        this.historySize = settings.history();
        this.clock = clock;
        for (WebhookSpec w : settings.webhooks()) {
            webhooks.add(new Webhook(w));
        }
    }

    /** {@code d} went from {@code before} to {@code after} because of {@code reason}; nothing when equal. */
    public void changed(Destination d, int before, int after, String reason) {
        if (before == after) {
            return;
        }
        StateChange c = new StateChange(clock.instant(), "default", d.record().setId(), d.uri(), before, after, reason);
        if (DestinationFlags.skipped(after)) {
            log.warn("{}", c);
        } else {
            log.info("{}", c);
        }
        publish(c);
    }

    /** Every destination's state at start (or after a reload), once. */
    public void initial(DispatchTable table) {
        for (Destination d : table.destinations()) {
            publish(new StateChange(clock.instant(), "default", d.record().setId(), d.uri(), -1, d.state(), "initial"));
        }
    }

    private void publish(StateChange c) {
        if (historySize > 0) {
            synchronized (history) {
                if (history.size() == historySize) {
                    history.removeFirst();
                }
                history.addLast(c);
            }
        }
        for (Webhook w : webhooks) {
            w.offer(c);
        }
    }

    /** The last changes, oldest first. */
    public List<StateChange> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** Events dropped because a webhook's queue was full, over all webhooks. */
    public long dropped() {
        return webhooks.stream().mapToLong(w -> w.dropped.sum()).sum();
    }

    @Override
    public void close() {
        webhooks.forEach(Webhook::close);
    }
}
