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
    private volatile int[] weighted; // smooth weighted round-robin order, built on first use
    private volatile DestinationSet withoutDefault; // all but the last destination, built on first use

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

    /**
     * The set without its last destination, which flag {@code d} keeps as the default of last resort. It
     * shares this set's round-robin position, and is built once, not per request.
     */
    DestinationSet withoutDefault() {
        DestinationSet w = withoutDefault;
        if (w == null) {
            w = new DestinationSet(id, destinations.subList(0, Math.max(0, destinations.size() - 1)), next);
            withoutDefault = w; // racy but idempotent
        }
        return w;
    }

    /**
     * Indexes into {@link #destinations()} in smooth weighted round-robin order: each destination appears
     * {@code weight / gcd} times in one cycle and the turns are interleaved, never bunched (weights 1, 2, 3
     * give c b a c b c). The cycle is exact for any weights; only a cycle longer than
     * {@link #MAX_CYCLE} is scaled down, keeping the proportions to within one turn per destination.
     */
    int[] weightedOrder() {
        int[] w = weighted;
        if (w == null) {
            w = buildWeightedOrder();
            weighted = w; // racy but idempotent: every thread builds the same array
        }
        return w;
    }

    /** The longest weighted round-robin cycle kept per set. */
    static final int MAX_CYCLE = 1 << 16;

    private int[] buildWeightedOrder() {
        int n = destinations.size();
        long[] weight = new long[n];
        long gcd = 0;
        long total = 0;
        for (int i = 0; i < n; i++) {
            weight[i] = destinations.get(i).weight();
            gcd = gcd(gcd, weight[i]);
            total += weight[i];
        }
        if (total == 0) {
            return new int[0];
        }
        for (int i = 0; i < n; i++) {
            weight[i] /= gcd;
        }
        total /= gcd;
        if (total > MAX_CYCLE) {
            long scaled = 0;
            for (int i = 0; i < n; i++) {
                weight[i] = weight[i] == 0 ? 0 : Math.max(1, weight[i] * MAX_CYCLE / total);
                scaled += weight[i];
            }
            total = scaled;
        }
        int[] order = new int[(int) total];
        long[] current = new long[n];
        for (int k = 0; k < order.length; k++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                current[i] += weight[i];
                if (weight[i] > 0 && (best < 0 || current[i] > current[best])) {
                    best = i;
                }
            }
            current[best] -= total;
            order[k] = best;
        }
        return order;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
