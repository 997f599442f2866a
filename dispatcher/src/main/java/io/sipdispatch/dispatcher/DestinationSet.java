package io.sipdispatch.dispatcher;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One set of destinations, in provisioning order (Kamailio keeps a set's list as loaded, highest priority
 * first). Immutable but for the round-robin position, which a reload carries over.
 */
public final class DestinationSet {
    private final int id;
    private final List<Destination> destinations;
    final AtomicLong next;

    public DestinationSet(int id, List<Destination> destinations) {
        this(id, destinations, new AtomicLong());
    }

    DestinationSet(int id, List<Destination> destinations, AtomicLong next) {
        this.id = id;
        this.destinations = List.copyOf(destinations);
        this.next = next;
    }

    public int id() {
        return id;
    }

    public List<Destination> destinations() {
        return destinations;
    }

    public int size() {
        return destinations.size();
    }
}
