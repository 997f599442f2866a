package io.sipdispatch.dispatcher;

import java.util.List;
import java.util.function.LongSupplier;

/** Kamailio algorithm 64: see {@link Algorithm#roundRobinOverload()}. */
final class RoundRobinOverload implements Algorithm {
    static final RoundRobinOverload INSTANCE = new RoundRobinOverload(System::nanoTime);

    private final LongSupplier nanoClock;

    RoundRobinOverload(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    @Override
    public List<Destination> order(DestinationSet set, RequestKey key) {
        List<Destination> up = Orders.ring(set.destinations(), 0);
        int n = up.size();
        if (n == 0) {
            return up;
        }
        int start = (int) Math.floorMod(set.next.getAndIncrement(), (long) n);
        long now = nanoClock.getAsLong();
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            if (!up.get(i).overloadSkip(now)) {
                // The failover list goes on around the ring, the ones skipped for overload included, as
                // Kamailio fills it: overload control sheds first attempts, not retries.
                return Orders.rotate(up, i);
            }
        }
        return List.of(); // every destination sheds this request (RFC 7339: the request is rejected)
    }

    @Override
    public String name() {
        return "round-robin-overload";
    }
}
