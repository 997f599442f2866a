package io.sipdispatch.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The weighted algorithms are exact over one cycle, for any weights and any number of destinations. */
class WeightPropertyTest {

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** How often each destination is first in {@code n} selections. */
    private static long[] firsts(Algorithm alg, DestinationSet s, long n) {
        long[] count = new long[s.size()];
        for (long i = 0; i < n; i++) {
            List<Destination> o = alg.order(s, RequestKey.NONE);
            count[s.destinations().indexOf(o.get(0))]++;
        }
        return count;
    }

    @Property(tries = 200)
    void weightIsExact(@ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 60) Integer> weights) {
        List<Destination> ds = new ArrayList<>();
        long g = 0;
        long total = 0;
        for (int i = 0; i < weights.size(); i++) {
            ds.add(Fixtures.dest("d" + i, "weight=" + weights.get(i)));
            g = gcd(g, weights.get(i));
            total += weights.get(i);
        }
        Assume.that(total > 0);
        long cycle = total / g;
        long[] got = firsts(Algorithm.weighted(), new DestinationSet(1, ds), cycle);
        for (int i = 0; i < weights.size(); i++) {
            assertThat(got[i]).as("destination %d of %s", i, weights).isEqualTo(weights.get(i) / g);
        }
    }

    @Property(tries = 200)
    void relativeWeightIsExactOverTheActiveOnes(
        @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 100) Integer> rweights,
        @ForAll @Size(min = 30, max = 30) List<Boolean> down) {
        List<Destination> ds = new ArrayList<>();
        long g = 0;
        long total = 0;
        for (int i = 0; i < rweights.size(); i++) {
            Destination d = Fixtures.dest("d" + i, "rweight=" + rweights.get(i));
            if (down.get(i)) {
                d.updateState(DestinationFlags.INACTIVE, 0);
            } else {
                g = gcd(g, rweights.get(i));
                total += rweights.get(i);
            }
            ds.add(d);
        }
        Assume.that(total > 0);
        DestinationSet s = new DestinationSet(1, ds);
        long[] got = firsts(Algorithm.relativeWeight(), s, 2 * (total / g));
        for (int i = 0; i < rweights.size(); i++) {
            long want = down.get(i) ? 0 : 2 * rweights.get(i) / g;
            assertThat(got[i]).as("destination %d of %s, down %s", i, rweights, down).isEqualTo(want);
        }
    }

    @Property(tries = 200)
    void priorityWeightIsExactOverTheBestActiveLevel(
        @ForAll @Size(min = 1, max = 20) List<@IntRange(min = 0, max = 3) Integer> priorities,
        @ForAll @Size(min = 20, max = 20) List<@IntRange(min = 0, max = 50) Integer> weights,
        @ForAll @Size(min = 20, max = 20) List<Boolean> down) {
        List<Destination> ds = new ArrayList<>();
        int best = Integer.MAX_VALUE;
        for (int i = 0; i < priorities.size(); i++) {
            Destination d = Fixtures.dest("d" + i, priorities.get(i), "weight=" + weights.get(i));
            if (down.get(i)) {
                d.updateState(DestinationFlags.DISABLED, 0);
            } else {
                best = Math.min(best, priorities.get(i));
            }
            ds.add(d);
        }
        Assume.that(best != Integer.MAX_VALUE);
        long[] w = new long[priorities.size()];
        long levelTotal = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = !down.get(i) && priorities.get(i) == best ? weights.get(i) : 0;
            levelTotal += w[i];
        }
        long g = 0;
        long total = 0;
        for (int i = 0; i < w.length; i++) {
            if (levelTotal == 0 && !down.get(i) && priorities.get(i) == best) {
                w[i] = 1; // no weight at the level: equal shares
            }
            g = gcd(g, w[i]);
            total += w[i];
        }
        long[] got = firsts(Algorithm.priorityWeight(), new DestinationSet(1, ds), total / g);
        for (int i = 0; i < w.length; i++) {
            assertThat(got[i]).as("destination %d", i).isEqualTo(w[i] / g);
        }
    }
}
