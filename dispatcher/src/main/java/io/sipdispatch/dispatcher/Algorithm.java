package io.sipdispatch.dispatcher;

import java.util.List;
import java.util.function.Function;

/**
 * How a destination is chosen from a set for one request. {@link #order} returns the selectable
 * destinations in the order to try them: the first is the choice, the rest the failover list.
 * {@link Algorithms#parse} maps configuration text (a Kamailio or OpenSIPS number, or a name) to one.
 *
 * <p>Hash algorithms take a key from the request ({@link RequestKey}). They are rendezvous (highest
 * random weight) hashes by default: each destination scores {@code -weight / ln(u)} with {@code u} a hash
 * of key and destination identity in (0, 1), and the order is by score. When a destination goes down only
 * the keys it held move, spread over the others in proportion to their weights, and no other key moves.
 * {@link #moduloHash} is Kamailio's scheme (hash modulo set size, then the next neighbour when that one is
 * down), for operators who need its placement behaviour.
 *
 * <p>The Kamailio numbers below are those of its dispatcher module's {@code ds_select_dst} (documented in
 * {@code src/modules/dispatcher/doc/dispatcher_admin.xml}, implemented in {@code dispatch.c},
 * Kamailio 6.2 development branch).
 */
public interface Algorithm {

    /** The destinations of {@code set} to try for a request with {@code key}, best first. */
    List<Destination> order(DestinationSet set, RequestKey key);

    /** The canonical name, for logs and the management API (see {@link AlgorithmKind}). */
    String name();

    /**
     * Whether the request goes to every destination of {@link #order} at once (parallel forking) rather
     * than to the first, with the rest as failover. Only {@link #parallelForking()} does; it needs a stateful
     * proxy, which must collect the branches' responses.
     */
    default boolean parallel() {
        return false;
    }

    /**
     * Round-robin over the selectable destinations: each request starts one further along them
     * (Kamailio algorithm 4). With a, b, c and b down: a c a c …; the failover list continues around.
     */
    static Algorithm roundRobin() {
        return RoundRobin.INSTANCE;
    }

    /**
     * Weighted round-robin by the {@code weight} attribute, exact for any weights (Kamailio algorithm 9,
     * without its 100-slot table; OpenSIPS algorithm 4): weights 1, 2, 3 give c b a c b c. A destination
     * that is down passes its turn to the next one in the cycle; the failover list follows the cycle. When
     * every weight is 0, the first selectable destination, as Kamailio.
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
        return RandomStart.INSTANCE;
    }

    /** Weighted rendezvous hash over the key {@code keyOf} takes from the request; round-robin without it. */
    static Algorithm hash(String name, Function<RequestKey, String> keyOf) {
        return new RendezvousHash(name, keyOf, RoundRobin.INSTANCE);
    }

    /** Kamailio's placement: hash modulo the set size, then the next neighbour while that one is down. */
    static Algorithm moduloHash(String name, Function<RequestKey, String> keyOf) {
        return new ModuloHash(name, keyOf, RoundRobin.INSTANCE);
    }

    /**
     * The least loaded destination first (Kamailio algorithm 10): load is {@link Destination#activeCalls()}
     * over the {@code maxload} attribute, and a destination at its maxload is left out (of the failover list
     * too). A destination without maxload counts against the largest maxload of the set, so with none set
     * the call counts compare as they are. The failover list is by load as well; equal loads keep set order.
     * Example: a (maxload 100, 50 calls), b (maxload 200, 60 calls), c (maxload 10, 10 calls) give b a.
     *
     * <p>The order only reads the counters: whoever forwards the call counts it, with
     * {@link Destination#incrementActiveCalls()} and {@link Destination#decrementActiveCalls()}. Kamailio
     * counts INVITEs only, and its docs say the algorithm is for INVITEs.
     */
    static Algorithm callLoad() {
        return CallLoad.INSTANCE;
    }

    /**
     * Relative weight (Kamailio algorithm 11): the share of each active destination is its {@code rweight}
     * over the sum of the active destinations' rweights, exactly (no 100-slot table, no truncation), and is
     * recomputed when one goes down or comes back. Kamailio's example: rweights 1, 2, 1 give 25/50/25 of
     * the calls; with the third down, 33/67. A destination without rweight (or 0) is never chosen; when no
     * active destination has one, the first selectable destination is chosen, as Kamailio does.
     */
    static Algorithm relativeWeight() {
        return RelativeWeight.INSTANCE;
    }

    /**
     * Every selectable destination at once, in set order (Kamailio algorithm 12: parallel forking). Flag
     * {@code f} and {@code max_res} do not cut the list down: see {@link Selection#select}. {@link #parallel()}
     * is true, so that a stateless proxy can refuse it.
     */
    static Algorithm parallelForking() {
        return Parallel.INSTANCE;
    }

    /**
     * Latency-optimized round-robin (Kamailio algorithm 13): round-robin among the destinations of the
     * highest adjusted priority, where a destination loses {@code latency_ms / priority} points of
     * priority when its {@link Destination#latencyMicros() latency} exceeds its priority in milliseconds
     * (never below 1; a priority of 0 is not adjusted). The priority is thus the latency budget. The
     * failover list is by adjusted priority. Kamailio's worked example, all at priority 30, latencies 21,
     * 91, 61, 19, 32, 0 and 201 ms: adjusted 30 27 28 30 29 30 24, so the first, fourth and sixth take a
     * third of the calls each (1 4 6 1 4 6 …) and the others none while those three are up.
     */
    static Algorithm latency() {
        return Latency.INSTANCE;
    }

    /**
     * Kamailio algorithm 14: round-robin when every destination of the set has the same priority and it is
     * above 0, otherwise serial by priority (algorithm 8). Decided over the whole set as provisioned, not
     * over its active destinations.
     */
    static Algorithm roundRobinOrSerial() {
        return RoundRobinOrSerial.INSTANCE;
    }

    /**
     * SRV-style priority and weight (Kamailio algorithm 15, after RFC 2782): among the active destinations
     * with the lowest priority value (the opposite of the set order, as in SRV), shares by {@code weight},
     * exactly; equal shares when no weight is set at that level. When that whole level is down the next
     * level takes over. Failover: the rest of the level, then the higher values, in set order within a
     * value. Kamailio's example: priorities 10, 10, 20, 20 with weights 70, 30, 50, 50 give 70/30/0/0;
     * with the first two down, 0/0/50/50.
     */
    static Algorithm priorityWeight() {
        return PriorityWeight.INSTANCE;
    }

    /**
     * Round-robin with overload control (Kamailio algorithm 64): as {@link #roundRobin()}, but a destination
     * under overload control ({@link Destination#setOverloadControl}, Kamailio's {@code ds_oc_set_attrs},
     * RFC 7339) is passed over for the first choice {@code rate} times in 100 while the control lasts. When
     * every destination passes, nothing is chosen. The failover list goes on around the ring.
     */
    static Algorithm roundRobinOverload() {
        return RoundRobinOverload.INSTANCE;
    }
}
