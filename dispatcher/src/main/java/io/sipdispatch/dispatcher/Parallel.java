package io.sipdispatch.dispatcher;

import java.util.List;

/** Kamailio algorithm 12: see {@link Algorithm#parallel()}. */
final class Parallel implements Algorithm {
    static final Parallel INSTANCE = new Parallel();

    @Override
    public List<Destination> order(DestinationSet set, RequestKey key) {
        return Orders.ring(set.destinations(), 0);
    }

    @Override
    public boolean parallel() {
        return true;
    }

    @Override
    public String name() {
        return "parallel";
    }
}
