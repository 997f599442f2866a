package io.sipdispatch.dispatcher;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Kamailio and OpenSIPS algorithm 6: see {@link Algorithm#random()}. */
final class RandomStart implements Algorithm {
    static final RandomStart INSTANCE = new RandomStart();

    @Override
    public List<Destination> order(DestinationSet set, RequestKey key) {
        // A random start among the selectable ones, so that each is first equally often.
        List<Destination> up = Orders.ring(set.destinations(), 0);
        return up.isEmpty() ? up : Orders.rotate(up, ThreadLocalRandom.current().nextInt(up.size()));
    }

    @Override
    public String name() {
        return "random";
    }
}
