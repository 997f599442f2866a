package io.sipdispatch.dispatcher;

import java.util.ArrayList;
import java.util.List;

/** The list shapes the algorithms share: rings over a set, and walks along a weighted cycle. */
final class Orders {
    /** The longest weighted cycle kept per set; see {@link #smoothCycle}. */
    static final int MAX_CYCLE = 1 << 16;

    private Orders() {
    }

    /** The selectable destinations, starting at {@code start} and going around the set. */
    static List<Destination> ring(List<Destination> all, int start) {
        int n = all.size();
        List<Destination> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Destination d = all.get((start + i) % n);
            if (d.selectable()) {
                out.add(d);
            }
        }
        return out;
    }

    /** {@code list} starting at {@code start}, wrapping around. */
    static List<Destination> rotate(List<Destination> list, int start) {
        int n = list.size();
        List<Destination> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(list.get((start + i) % n));
        }
        return out;
    }

    /**
     * The destinations met walking {@code cycle} (indexes into {@code all}) from {@code start}, each once,
     * the selectable ones only: the turn of one that is down goes to whoever is next in the cycle.
     */
    static List<Destination> alongCycle(List<Destination> all, int[] cycle, long counter) {
        List<Destination> out = new ArrayList<>(all.size());
        if (cycle.length == 0) {
            return out;
        }
        int start = (int) Math.floorMod(counter, (long) cycle.length);
        boolean[] seen = new boolean[all.size()];
        for (int k = 0; k < cycle.length && out.size() < all.size(); k++) {
            int i = cycle[(start + k) % cycle.length];
            if (!seen[i]) {
                seen[i] = true;
                if (all.get(i).selectable()) {
                    out.add(all.get(i));
                }
            }
        }
        return out;
    }

    /**
     * Indexes {@code 0..weights.length-1} in smooth weighted round-robin order: each index appears
     * {@code weight / gcd} times in one cycle and the turns are interleaved, never bunched (weights 1, 2, 3
     * give 2 1 0 2 1 2). A weight of 0 never appears. The cycle is exact for any weights; only a cycle
     * longer than {@link #MAX_CYCLE} is scaled down, keeping the proportions to within one turn each.
     */
    static int[] smoothCycle(long[] weights) {
        int n = weights.length;
        long[] weight = weights.clone();
        long gcd = 0;
        long total = 0;
        for (int i = 0; i < n; i++) {
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
