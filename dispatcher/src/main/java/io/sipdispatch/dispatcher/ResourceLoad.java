package io.sipdispatch.dispatcher;

import java.util.ArrayList;
import java.util.List;

/**
 * OpenSIPS's load_balancer: each destination declares a capacity per resource ({@code resources="pstn=32;transc=5"}),
 * a rule asks for one or more resources, and the destination with the largest free slot over all of them
 * comes first. Destinations without every resource asked, or with one of them full, are left out. The call
 * counts against the resources of the destination it goes to until it ends (see the proxy's call counting).
 */
public final class ResourceLoad implements Algorithm {
    private final String[] wanted;

    ResourceLoad(String[] wanted) {
        if (wanted.length == 0) {
            throw new IllegalArgumentException("resources needs the resources a call uses, e.g. key: pstn;transc");
        }
        this.wanted = wanted.clone();
    }

    /** Parses OpenSIPS's {@code lb_start} resource list: {@code pstn;transc} (',' separates as well). */
    static ResourceLoad parse(String text) {
        List<String> names = new ArrayList<>();
        if (text != null) {
            for (String p : text.split("[;,]")) {
                String t = p.trim();
                if (!t.isEmpty() && !names.contains(t)) {
                    names.add(t);
                }
            }
        }
        return new ResourceLoad(names.toArray(new String[0]));
    }

    /** The resources a call takes. */
    public String[] wanted() {
        return wanted.clone();
    }

    @Override
    public List<Destination> order(DestinationSet set, RequestKey key) {
        List<Destination> all = set.destinations();
        List<Destination> out = new ArrayList<>(all.size());
        List<Integer> slots = new ArrayList<>(all.size());
        for (Destination d : all) {
            int slot = d.freeSlot(wanted); // read once: it moves under our feet
            if (slot <= 0 || !d.selectable()) {
                continue;
            }
            int j = out.size();
            while (j > 0 && slots.get(j - 1) < slot) {
                j--; // after every destination with at least as large a slot: stable
            }
            out.add(j, d);
            slots.add(j, slot);
        }
        return out;
    }

    @Override
    public String name() {
        return "resources";
    }
}
