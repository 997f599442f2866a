package io.sipdispatch.dispatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Weighted rendezvous (highest random weight) hashing: see {@link Algorithm#hash}. */
final class RendezvousHash extends KeyHash {
    RendezvousHash(String name, Function<RequestKey, String> keyOf, Algorithm fallback) {
        super(name, keyOf, fallback);
    }

    @Override
    List<Destination> order(DestinationSet set, long keyHash) {
        List<Destination> out = new ArrayList<>(set.size());
        double[] scores = new double[set.size()];
        for (Destination d : set.destinations()) {
            if (d.selectable() && d.weight() > 0) {
                // Insertion by descending score: sets are small.
                double sc = score(keyHash, d);
                int i = out.size();
                out.add(d);
                while (i > 0 && scores[i - 1] < sc) {
                    scores[i] = scores[i - 1];
                    out.set(i, out.get(i - 1));
                    i--;
                }
                scores[i] = sc;
                out.set(i, d);
            }
        }
        return out;
    }

    /** {@code -w / ln(u)}: the weighted rendezvous score (a larger weight scores higher more often). */
    static double score(long keyHash, Destination d) {
        long h = Hashing.mix(keyHash ^ d.identityHash());
        double u = ((h >>> 11) + 0.5) / (double) (1L << 53); // in (0, 1)
        return -d.weight() / Math.log(u);
    }
}
