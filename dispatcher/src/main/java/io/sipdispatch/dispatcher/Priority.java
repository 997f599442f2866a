package io.sipdispatch.dispatcher;

import java.util.List;

/** Kamailio and OpenSIPS algorithm 8: see {@link Algorithm#priority()}. */
final class Priority implements Algorithm {
    static final Priority INSTANCE = new Priority();

    @Override
    public List<Destination> order(DestinationSet set, RequestKey key) {
        return Orders.ring(set.destinations(), 0);
    }

    @Override
    public String name() {
        return "priority";
    }
}
