package io.sipdispatch.server.events;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.dispatcher.DispatchTable;
import io.sipdispatch.server.config.DispatcherSettings;
import io.sipdispatch.server.config.EventSettings;
import io.sipdispatch.server.config.WebhookSpec;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Function;
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
    /** The partition of a destination, from the snapshot in use. */
    private volatile Function<Destination, String> partitionOf = d -> DispatcherSettings.DEFAULT_PARTITION;
    /** Told of every change with the destination's partition (the state written back to the database). */
    private final List<BiConsumer<String, Destination>> listeners = new CopyOnWriteArrayList<>();
    /** Told of the changes this node saw itself, with the reason (the cluster replicates them). */
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** This node's name in a cluster, null without one. */
    private volatile String node;

    /** A change this node saw itself. */
    public interface Seen {
        void changed(String partition, Destination d, String reason);
    }

    public DestinationEvents(EventSettings settings, Clock clock) {
        this.historySize = settings.history();
        this.clock = clock;
        for (WebhookSpec w : settings.webhooks()) {
            webhooks.add(new Webhook(w));
        }
    }

    /** Where the partition of a destination is looked up: the snapshot in use. */
    public void partitions(Function<Destination, String> partitionOf) {
        this.partitionOf = partitionOf;
    }

    /** Adds a listener told of every change, with the partition, on the thread that made it: it must not block. */
    public void onChange(BiConsumer<String, Destination> listener) {
        listeners.add(listener);
    }

    /** This node's name in its cluster: every event then says which node saw it. */
    public void node(String name) {
        this.node = name;
    }

    /** Adds a listener told of the changes this node saw itself, on the thread that made it: it must not block. */
    public void onSeen(Seen listener) {
        seen.add(listener);
    }

    /** {@code d} went from {@code before} to {@code after} because of {@code reason}; nothing when equal. */
    public void changed(Destination d, int before, int after, String reason) {
        changed(d, before, after, reason, null);
    }

    /**
     * As {@link #changed(Destination, int, int, String)}, for a change node {@code by} saw and replicated here;
     * null for this node's own.
     */
    public void changed(Destination d, int before, int after, String reason, String by) {
        if (before == after) {
            return;
        }
        String partition = partitionOf.apply(d);
        if (partition == null) {
            // No longer in any table (removed by a reload while a probe or a call still held it): nothing to
            // report or persist, and no partition to guess.
            log.debug("{} of set {} changed after its removal: {} -> {} ({})", d.uri(), d.record().setId(),
                DestinationFlags.code(before), DestinationFlags.code(after), reason);
            return;
        }
        for (BiConsumer<String, Destination> l : listeners) {
            l.accept(partition, d);
        }
        if (by == null) {
            for (Seen l : seen) {
                l.changed(partition, d, reason);
            }
        }
        StateChange c = new StateChange(clock.instant(), partition, d.record().setId(), d.uri(), before, after, reason,
            by != null ? by : node);
        if (DestinationFlags.skipped(after)) {
            log.warn("{}", c);
        } else {
            log.info("{}", c);
        }
        publish(c);
    }

    /** Every destination's state of the default partition at start (or after a reload), once. */
    public void initial(DispatchTable table) {
        initial(DispatcherSettings.DEFAULT_PARTITION, table);
    }

    /** Every destination's state of {@code partition} at start (or after a reload), once. */
    public void initial(String partition, DispatchTable table) {
        for (Destination d : table.destinations()) {
            initial(partition, d);
        }
    }

    /** The state of a destination new to {@code partition} ({@code dispatcher.add}), once. */
    public void initial(String partition, Destination d) {
        publish(new StateChange(clock.instant(), partition, d.record().setId(), d.uri(), -1, d.state(), "initial", node));
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
