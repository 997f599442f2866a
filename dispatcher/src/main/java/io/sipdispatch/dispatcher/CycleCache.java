package io.sipdispatch.dispatcher;

import java.util.Arrays;
import java.util.function.IntToLongFunction;

/**
 * A smooth weighted cycle over a subset of a set's destinations (the active ones, or the active ones of the
 * best priority), kept until the subset changes. Health changes are rare next to requests, so one entry is
 * enough; the weights are fixed for the life of the set, so the subset alone decides the cycle.
 */
final class CycleCache {
    private record Entry(boolean[] members, int[] cycle) {
    }

    private volatile Entry last = new Entry(new boolean[0], new int[0]);

    /** The cycle over the destinations flagged in {@code members}, weighted by {@code weightOf(index)}. */
    int[] cycle(boolean[] members, IntToLongFunction weightOf) {
        Entry e = last;
        if (!Arrays.equals(e.members, members)) {
            long[] w = new long[members.length];
            for (int i = 0; i < members.length; i++) {
                w[i] = members[i] ? weightOf.applyAsLong(i) : 0;
            }
            e = new Entry(members, Orders.smoothCycle(w));
            last = e; // racy but idempotent: every thread builds the same cycle for the same members
        }
        return e.cycle;
    }
}
