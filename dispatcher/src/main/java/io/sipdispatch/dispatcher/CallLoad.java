package io.sipdispatch.dispatcher;

import java.util.ArrayList;
import java.util.List;

/** Kamailio algorithm 10: see {@link Algorithm#callLoad()}. */
final class CallLoad implements Algorithm {
    static final CallLoad INSTANCE = new CallLoad();

    @Override
    public List<Destination> order(DestinationSet set, RequestKey key) {
        List<Destination> all = set.destinations();
        // A destination without maxload is given the largest maxload of the set as its capacity, so that
        // it compares fairly with the limited ones; with no maxload anywhere every capacity is 1 and the
        // loads compare as plain call counts, which is Kamailio's rule.
        long widest = 1;
        for (Destination d : all) {
            widest = Math.max(widest, d.maxload());
        }
        int n = all.size();
        Destination[] out = new Destination[n];
        long[] calls = new long[n];
        long[] capacity = new long[n];
        int m = 0;
        for (Destination d : all) {
            // Read each counter once: it moves under our feet, and the sort needs one consistent value.
            int c = d.activeCalls();
            if (!d.selectable() || (d.maxload() > 0 && c >= d.maxload())) {
                continue; // down, or full: Kamailio skips it for the choice and for failover alike
            }
            long cap = d.maxload() > 0 ? d.maxload() : widest;
            // Insertion after every destination at most as loaded (c/cap >= calls/capacity): stable.
            int j = m;
            while (j > 0 && c * capacity[j - 1] < calls[j - 1] * cap) {
                out[j] = out[j - 1];
                calls[j] = calls[j - 1];
                capacity[j] = capacity[j - 1];
                j--;
            }
            out[j] = d;
            calls[j] = c;
            capacity[j] = cap;
            m++;
        }
        List<Destination> list = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            list.add(out[i]);
        }
        return list;
    }

    @Override
    public String name() {
        return "call-load";
    }
}
