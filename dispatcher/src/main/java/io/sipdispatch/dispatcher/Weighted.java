package io.sipdispatch.dispatcher;

import java.util.List;

/** Kamailio algorithm 9, OpenSIPS 4: see {@link Algorithm#weighted()}. */
final class Weighted implements Algorithm {
    static final Weighted INSTANCE = new Weighted();

    @Override
    public List<Destination> order(DestinationSet set, RequestKey key) {
        int[] cycle = set.weightedOrder();
        if (cycle.length == 0) {
            // Every weight is 0: Kamailio's table is then all zeros and it takes the first entry; so do we.
            return Priority.INSTANCE.order(set, key);
        }
        return Orders.alongCycle(set.destinations(), cycle, set.next.getAndIncrement());
    }

    @Override
    public String name() {
        return "weight";
    }
}
