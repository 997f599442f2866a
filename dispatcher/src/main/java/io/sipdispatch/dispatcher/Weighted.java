package io.sipdispatch.dispatcher;

import java.util.ArrayList;
import java.util.List;

/** Kamailio algorithm 9, OpenSIPS 4: see {@link Algorithm#weighted()}. */
final class Weighted implements Algorithm {
    static final Weighted INSTANCE = new Weighted();
    /** The golden ratio's fraction: successive multiples of it fill [0, 1) as evenly as a sequence can. */
    private static final double GOLDEN = 0.6180339887498949;

    @Override
    public List<Destination> order(DestinationSet set, RequestKey key) {
        if (set.dynamicWeights()) {
            return byCurrentWeights(set);
        }
        int[] cycle = set.weightedOrder();
        if (cycle.length == 0) {
            // Every weight is 0: Kamailio's table is then all zeros and it takes the first entry; so do we.
            return Priority.INSTANCE.order(set, key);
        }
        return Orders.alongCycle(set.destinations(), cycle, set.next.getAndIncrement());
    }

    /**
     * A set with FreeSWITCH destinations (OpenSIPS's {@code fetch_freeswitch_stats}): their weights move with
     * every heartbeat and every call sent, so the first choice is drawn in proportion to the weights of this
     * moment, along an evenly spread sequence rather than at random so that a short burst already splits as
     * the weights say. Static weights above the FreeSWITCH cap are cut to it, as OpenSIPS does, so that they
     * compare with the dynamic ones. The other destinations follow by weight, for failover.
     */
    private static List<Destination> byCurrentWeights(DestinationSet set) {
        List<Destination> all = set.destinations();
        int cap = 0;
        for (Destination d : all) {
            if (d.weightUrl() != null) {
                cap = Math.max(cap, d.weightCap());
            }
        }
        int n = all.size();
        long[] w = new long[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            Destination d = all.get(i);
            w[i] = d.weightUrl() != null ? d.currentWeight() : Math.min(d.weight(), cap);
            if (d.selectable()) {
                total += w[i];
            }
        }
        if (total == 0) {
            return Priority.INSTANCE.order(set, null);
        }
        double u = (set.next.getAndIncrement() * GOLDEN) % 1.0;
        long point = (long) (u * total);
        int first = -1;
        for (int i = 0; i < n && first < 0; i++) {
            if (all.get(i).selectable()) {
                point -= w[i];
                if (point < 0) {
                    first = i;
                }
            }
        }
        List<Destination> out = new ArrayList<>(n);
        out.add(all.get(first));
        List<Integer> rest = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (i != first && all.get(i).selectable()) {
                rest.add(i);
            }
        }
        rest.sort((a, b) -> Long.compare(w[b], w[a])); // stable: equal weights keep the set's order
        for (int i : rest) {
            out.add(all.get(i));
        }
        return out;
    }

    @Override
    public String name() {
        return "weight";
    }
}
