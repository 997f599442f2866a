package io.sipdispatch.dispatcher;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Kamailio algorithm 15: see {@link Algorithm#priorityWeight()}. */
final class PriorityWeight implements Algorithm {
    static final PriorityWeight INSTANCE = new PriorityWeight();

    @Override
    public List<Destination> order(DestinationSet set, RequestKey key) {
        List<Destination> all = set.destinations();
        int best = Integer.MAX_VALUE;
        for (Destination d : all) {
            if (d.selectable()) {
                best = Math.min(best, d.priority());
            }
        }
        if (best == Integer.MAX_VALUE) {
            return List.of();
        }
        boolean[] members = new boolean[all.size()];
        long levelWeight = 0;
        for (int i = 0; i < members.length; i++) {
            Destination d = all.get(i);
            members[i] = d.selectable() && d.priority() == best;
            levelWeight += members[i] ? d.weight() : 0;
        }
        // SRV's rule (RFC 2782): the lowest priority value wins, then weight decides among equals; with no
        // weight at that level every member has an equal share (Kamailio's rule too).
        boolean equal = levelWeight == 0;
        int[] cycle = set.priorityWeightCycle.cycle(members, i -> equal ? 1 : all.get(i).weight());
        List<Destination> out = Orders.alongCycle(all, cycle, set.next.getAndIncrement());
        // Failover: the rest of the best level, then the next levels, lowest value first, in set order
        // within a level.
        List<Destination> rest = new ArrayList<>();
        for (Destination d : all) {
            if (d.selectable() && !out.contains(d)) {
                rest.add(d);
            }
        }
        rest.sort(Comparator.comparingInt(Destination::priority));
        out.addAll(rest);
        return out;
    }

    @Override
    public String name() {
        return "priority-weight";
    }
}
