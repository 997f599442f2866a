package io.sipdispatch.dispatcher;

import java.util.List;

/** Kamailio algorithm 11: see {@link Algorithm#relativeWeight()}. */
final class RelativeWeight implements Algorithm {
    static final RelativeWeight INSTANCE = new RelativeWeight();

    @Override
    public List<Destination> order(DestinationSet set, RequestKey key) {
        List<Destination> all = set.destinations();
        boolean[] members = new boolean[all.size()];
        boolean any = false;
        for (int i = 0; i < members.length; i++) {
            Destination d = all.get(i);
            members[i] = d.selectable() && d.rweight() > 0;
            any |= members[i];
        }
        if (!any) {
            // No active destination has an rweight: Kamailio's table is then empty and it takes the first
            // entry; so do we, rather than refuse every call.
            return Priority.INSTANCE.order(set, key);
        }
        // The cycle covers the active destinations only, so a destination going down hands its share to
        // the others in proportion to their rweights (1/2/1 is 25/50/25; with the third down, 33/67).
        int[] cycle = set.relativeWeightCycle.cycle(members, i -> all.get(i).rweight());
        return Orders.alongCycle(all, cycle, set.next.getAndIncrement());
    }

    @Override
    public String name() {
        return "relative-weight";
    }
}
