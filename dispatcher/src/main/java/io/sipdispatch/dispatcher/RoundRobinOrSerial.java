package io.sipdispatch.dispatcher;

import java.util.List;

/** Kamailio algorithm 14: see {@link Algorithm#roundRobinOrSerial()}. */
final class RoundRobinOrSerial implements Algorithm {
    static final RoundRobinOrSerial INSTANCE = new RoundRobinOrSerial();

    @Override
    public List<Destination> order(DestinationSet set, RequestKey key) {
        return set.samePositivePriority() ? RoundRobin.INSTANCE.order(set, key) : Priority.INSTANCE.order(set, key);
    }

    @Override
    public String name() {
        return "round-robin-or-serial";
    }
}
