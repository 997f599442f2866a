package io.sipdispatch.dispatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * How a destination is chosen from a set for one request. {@link #order} returns the selectable
 * destinations in the order to try them: the first is the choice, the rest the failover list.
 *
 * <p>Hash algorithms take a key from the request ({@link RequestKey}). They are rendezvous (highest
 * random weight) hashes by default: each destination scores {@code -weight / ln(u)} with {@code u} a hash
 * of key and destination identity in (0, 1), and the order is by score. When a destination goes down only
 * the keys it held move, spread over the others in proportion to their weights, and no other key moves.
 * {@link #moduloHash} is Kamailio's scheme (hash modulo set size, then the next neighbour when that one is
 * down), for operators who need its exact placement.
 */
public interface Algorithm {

    /** The destinations of {@code set} to try for a request with {@code key}, best first. */
    List<Destination> order(DestinationSet set, RequestKey key);

    /** A name for logs and the management API. */
    String name();

    /**
     * Round-robin over the selectable destinations: each request starts one further along them
     * (Kamailio algorithm 4). With a, b, c and b down: a c a c …; the failover list continues around.
     */
    static Algorithm roundRobin() {
        return RoundRobin.INSTANCE;
    }

    /**
     * Weighted round-robin by the {@code weight} attribute, exact for any weights (Kamailio algorithm 9,
     * without its 100-slot table): weights 1, 2, 3 give c b a c b c. A destination that is down passes
     * its turn to the next one in the cycle; the failover list follows the cycle.
     */
    static Algorithm weighted() {
        return Weighted.INSTANCE;
    }

    /** Destinations in set order, the first selectable one first (Kamailio algorithm 8). */
    static Algorithm priority() {
        return Priority.INSTANCE;
    }

    /** A random first choice among the selectable destinations, then around them (Kamailio algorithm 6). */
    static Algorithm random() {
        return Random.INSTANCE;
    }

    /** Weighted rendezvous hash over the key {@code keyOf} takes from the request. */
    static Algorithm hash(String name, Function<RequestKey, String> keyOf) {
        return new RendezvousHash(name, keyOf);
    }

    /** Kamailio's placement: hash modulo the set size, then the next neighbour while that one is down. */
    static Algorithm moduloHash(String name, Function<RequestKey, String> keyOf) {
        return new ModuloHash(name, keyOf);
    }

    /** The selectable destinations, starting at {@code start} and going around the set. */
    private static List<Destination> ring(List<Destination> all, int start) {
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
    private static List<Destination> rotate(List<Destination> list, int start) {
        int n = list.size();
        List<Destination> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(list.get((start + i) % n));
        }
        return out;
    }

    final class RoundRobin implements Algorithm {
        static final RoundRobin INSTANCE = new RoundRobin();

        @Override
        public List<Destination> order(DestinationSet set, RequestKey key) {
            List<Destination> up = ring(set.destinations(), 0);
            int n = up.size();
            if (n == 0) {
                return up;
            }
            // Rotate over the selectable destinations only, so a destination that is down does not hand
            // its turns to its neighbour (which Kamailio's skip-to-next does).
            return rotate(up, (int) Math.floorMod(set.next.getAndIncrement(), (long) n));
        }

        @Override
        public String name() {
            return "round-robin";
        }
    }

    final class Weighted implements Algorithm {
        static final Weighted INSTANCE = new Weighted();

        @Override
        public List<Destination> order(DestinationSet set, RequestKey key) {
            int[] cycle = set.weightedOrder();
            if (cycle.length == 0) {
                return List.of();
            }
            int start = (int) Math.floorMod(set.next.getAndIncrement(), (long) cycle.length);
            List<Destination> all = set.destinations();
            List<Destination> out = new ArrayList<>(all.size());
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

        @Override
        public String name() {
            return "weighted-round-robin";
        }
    }

    final class Priority implements Algorithm {
        static final Priority INSTANCE = new Priority();

        @Override
        public List<Destination> order(DestinationSet set, RequestKey key) {
            return ring(set.destinations(), 0);
        }

        @Override
        public String name() {
            return "priority";
        }
    }

    final class Random implements Algorithm {
        static final Random INSTANCE = new Random();

        @Override
        public List<Destination> order(DestinationSet set, RequestKey key) {
            // A random start among the selectable ones, so that each is first equally often.
            List<Destination> up = ring(set.destinations(), 0);
            return up.isEmpty() ? up : rotate(up, ThreadLocalRandom.current().nextInt(up.size()));
        }

        @Override
        public String name() {
            return "random";
        }
    }

    /**
     * A hash algorithm: the key {@code keyOf} takes from the request, hashed once, decides the order. A
     * request without that key (no credentials for an auth-user hash) falls back to round-robin.
     */
    abstract class KeyHash implements Algorithm {
        private final String name;
        private final Function<RequestKey, String> keyOf;

        KeyHash(String name, Function<RequestKey, String> keyOf) {
            this.name = name;
            this.keyOf = keyOf;
        }

        @Override
        public final List<Destination> order(DestinationSet set, RequestKey key) {
            String k = keyOf.apply(key);
            return k == null ? RoundRobin.INSTANCE.order(set, key) : order(set, Hashing.hash64(k));
        }

        /** The order for a request whose key hashed to {@code keyHash}. */
        abstract List<Destination> order(DestinationSet set, long keyHash);

        @Override
        public final String name() {
            return name;
        }
    }

    final class RendezvousHash extends KeyHash {
        RendezvousHash(String name, Function<RequestKey, String> keyOf) {
            super(name, keyOf);
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

    final class ModuloHash extends KeyHash {
        ModuloHash(String name, Function<RequestKey, String> keyOf) {
            super(name, keyOf);
        }

        @Override
        List<Destination> order(DestinationSet set, long keyHash) {
            int n = set.size();
            return n == 0 ? List.of() : ring(set.destinations(), (int) Long.remainderUnsigned(keyHash, n));
        }
    }
}
