package io.sipdispatch.dispatcher;

import java.util.List;

/** Kamailio algorithm 4: see {@link Algorithm#roundRobin()}. */
final class RoundRobin implements Algorithm {
    static final RoundRobin INSTANCE = new RoundRobin();

    @Override
    public List<Destination> order(DestinationSet set, RequestKey key) {
        List<Destination> up = Orders.ring(set.destinations(), 0);
        int n = up.size();
        if (n == 0) {
            return up;
        }
        // Rotate over the selectable destinations only, so a destination that is down does not hand
        // its turns to its neighbour (which Kamailio's skip-to-next does).
        return Orders.rotate(up, (int) Math.floorMod(set.next.getAndIncrement(), (long) n));
    }

    @Override
    public String name() {
        return "round-robin";
    }
}
