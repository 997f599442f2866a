package io.sipdispatch.dispatcher;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One set of destinations, in the order given ({@link DispatchTable} gives them in Kamailio's order:
 * highest priority first). Immutable but for the round-robin position, which a reload carries over, and
 * the weighted cycles it caches.
 */
public final class DestinationSet {
    private final int id;
    private final List<Destination> destinations;
    final AtomicLong next;
    private final boolean samePositivePriority;
    private volatile int[] weighted; // smooth weighted round-robin order, built on first use
    private final boolean dynamicWeights;
    private volatile DestinationSet withoutDefault; // all but the last destination, built on first use
    final CycleCache relativeWeightCycle = new CycleCache();
    final CycleCache priorityWeightCycle = new CycleCache();

    public DestinationSet(int id, List<Destination> destinations) {
        this(id, destinations, new AtomicLong());
    }

    DestinationSet(int id, List<Destination> destinations, AtomicLong next) {
        this(id, List.copyOf(destinations), next, samePositivePriority(destinations));
    }

    private DestinationSet(int id, List<Destination> destinations, AtomicLong next, boolean samePositivePriority) {
        this.id = id;
        this.destinations = destinations;
        this.next = next;
        this.samePositivePriority = samePositivePriority;
        this.dynamicWeights = destinations.stream().anyMatch(d -> d.weightUrl() != null);
    }

    /** Whether a destination's weight follows its FreeSWITCH box's load, so no weighted order can be cached. */
    boolean dynamicWeights() {
        return dynamicWeights;
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
     * Whether every destination has the same priority and it is above 0: Kamailio's {@code rrserial}, which
     * makes algorithm 14 round-robin rather than serial. Decided over the whole set, the default
     * destination of flag {@code d} included, as Kamailio does when it loads the set.
     */
    boolean samePositivePriority() {
        return samePositivePriority;
    }

    private static boolean samePositivePriority(List<Destination> ds) {
        if (ds.isEmpty() || ds.get(0).priority() <= 0) {
            return false;
        }
        for (Destination d : ds) {
            if (d.priority() != ds.get(0).priority()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The set without its last destination, which flag {@code d} keeps as the default of last resort. It
     * shares this set's round-robin position, and is built once, not per request.
     */
    DestinationSet withoutDefault() {
        DestinationSet w = withoutDefault;
        if (w == null) {
            w = new DestinationSet(id, destinations.subList(0, Math.max(0, destinations.size() - 1)), next,
                samePositivePriority);
            withoutDefault = w; // racy but idempotent
        }
        return w;
    }

    /**
     * Indexes into {@link #destinations()} in smooth weighted round-robin order by the {@code weight}
     * attribute, over every destination whatever its state (see {@link Orders#smoothCycle}).
     */
    int[] weightedOrder() {
        int[] w = weighted;
        if (w == null) {
            long[] weights = new long[destinations.size()];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = destinations.get(i).weight();
            }
            w = Orders.smoothCycle(weights);
            weighted = w; // racy but idempotent: every thread builds the same array
        }
        return w;
    }
}
