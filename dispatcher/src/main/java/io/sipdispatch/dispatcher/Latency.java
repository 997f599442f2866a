package io.sipdispatch.dispatcher;

import java.util.ArrayList;
import java.util.List;

/** Kamailio algorithm 13: see {@link Algorithm#latency()}. */
final class Latency implements Algorithm {
    static final Latency INSTANCE = new Latency();

    @Override
    public List<Destination> order(DestinationSet set, RequestKey key) {
        List<Destination> all = set.destinations();
        int n = all.size();
        if (n == 0) {
            return List.of();
        }
        long seen = set.next.get();
        int start = (int) Math.floorMod(seen, (long) n);
        int[] index = new int[n];
        long[] rank = new long[n];
        int m = 0;
        // Walk the set from the round-robin position and sort by adjusted priority, keeping the walk's
        // order among equals: that is what makes it round-robin within the best tier.
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            Destination d = all.get(i);
            if (!d.selectable()) {
                continue;
            }
            long p = adjustedPriority(d.priority(), d.latencyMicros());
            int j = m;
            while (j > 0 && rank[j - 1] < p) {
                rank[j] = rank[j - 1];
                index[j] = index[j - 1];
                j--;
            }
            rank[j] = p;
            index[j] = i;
            m++;
        }
        if (m == 0) {
            return List.of();
        }
        // Kamailio sets the next start just after the chosen destination (not one after the last start),
        // so that the best tier takes turns evenly whatever lies between its members. A concurrent
        // selection that moved the position first wins.
        set.next.compareAndSet(seen, index[0] + 1L);
        List<Destination> out = new ArrayList<>(m);
        for (int k = 0; k < m; k++) {
            out.add(all.get(index[k]));
        }
        return out;
    }

    /**
     * Kamailio's {@code PRIORITY - ESTIMATED_LATENCY_MS / PRIORITY}, applied only when the latency exceeds
     * the priority, and never below 1; a priority of 0 or less is left as it is (latency cannot demote it).
     */
    static long adjustedPriority(int priority, long latencyMicros) {
        if (priority <= 0) {
            return priority;
        }
        long ms = latencyMicros / 1000;
        return ms > priority ? Math.max(1, priority - ms / priority) : priority;
    }

    @Override
    public String name() {
        return "latency";
    }
}
