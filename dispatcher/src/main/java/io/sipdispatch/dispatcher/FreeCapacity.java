package io.sipdispatch.dispatcher;

import java.util.ArrayList;
import java.util.List;

/**
 * OpenSIPS algorithm 9's role without a script: the destination with the most free capacity first, from the
 * load each destination reported (its FreeSWITCH heartbeats, or {@code dispatcher.set_load}) less the calls
 * sent to it since ({@link Destination#freeShare()}). Every call sent lowers the room predicted for its
 * destination at once, so a burst between two reports fills the boxes in turn instead of herding onto the
 * one that was idlest at the last report. Destinations that have reported nothing yet come after those that
 * have, in the set's order: their room is unknown.
 */
final class FreeCapacity implements Algorithm {
    static final FreeCapacity INSTANCE = new FreeCapacity();

    @Override
    public List<Destination> order(DestinationSet set, RequestKey key) {
        List<Destination> all = set.destinations();
        int n = all.size();
        double[] free = new double[n];
        List<Integer> idx = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (!all.get(i).selectable()) {
                continue; // down, disabled or draining: neither chosen nor failed over to
            }
            double f = all.get(i).freeShare(); // read once: it moves under our feet
            free[i] = Double.isNaN(f) ? -1 : f;
            idx.add(i);
        }
        idx.sort((a, b) -> Double.compare(free[b], free[a])); // stable: ties keep the set's order
        List<Destination> out = new ArrayList<>(n);
        for (int i : idx) {
            out.add(all.get(i));
        }
        return out;
    }

    @Override
    public String name() {
        return "free-capacity";
    }
}
