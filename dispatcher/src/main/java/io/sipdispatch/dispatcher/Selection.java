package io.sipdispatch.dispatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The outcome of one selection: the destination to send to and the ordered failover list behind it.
 *
 * @param candidates every destination to try, best first; empty when none is available
 */
public record Selection(List<Destination> candidates) {
    public static final Selection NONE = new Selection(List.of());

    public Selection {
        candidates = List.copyOf(candidates);
    }

    /** The chosen destination, or null when none is available. */
    public Destination first() {
        return candidates.isEmpty() ? null : candidates.get(0);
    }

    /** The destinations to fail over to, in order, after {@link #first()}. */
    public List<Destination> failover() {
        return candidates.size() <= 1 ? List.of() : candidates.subList(1, candidates.size());
    }

    public boolean isEmpty() {
        return candidates.isEmpty();
    }

    /**
     * Selects from {@code set} with {@code algorithm} and shapes the result by the dispatcher flags:
     * <ul>
     * <li>{@code useDefault} (OpenSIPS/Kamailio flag {@code d}): the set's last destination is the default,
     *     tried only when every other one has failed, so it is taken out of the algorithm's order and
     *     put last;</li>
     * <li>{@code failover} (flag {@code f}): without it the selection holds the chosen destination only;</li>
     * <li>{@code maxResults} (OpenSIPS {@code max_res}): at most this many candidates, 0 for no limit.</li>
     * </ul>
     * A {@link Algorithm#parallel() parallel} algorithm's candidates are its branches, all sent at once:
     * {@code failover} and {@code maxResults} do not cut them down (Kamailio's algorithm 12 adds every
     * destination as a branch whatever its failover flag and limit), while {@code useDefault} still puts the
     * default destination last.
     */
    public static Selection select(DestinationSet set, Algorithm algorithm, RequestKey key, boolean useDefault,
                                   boolean failover, int maxResults) {
        List<Destination> order;
        if (useDefault && set.size() > 1) {
            Destination dflt = set.destinations().get(set.size() - 1);
            order = new ArrayList<>(algorithm.order(set.withoutDefault(), key));
            if (dflt.selectable()) {
                order.add(dflt);
            }
        } else {
            order = algorithm.order(set, key);
        }
        if (!algorithm.parallel()) {
            order = slowStart(order);
        }
        int limit = !failover && !algorithm.parallel() ? 1
            : maxResults > 0 && !algorithm.parallel() ? maxResults : Integer.MAX_VALUE;
        if (order.size() > limit) {
            order = order.subList(0, limit);
        }
        return order.isEmpty() ? NONE : new Selection(order);
    }

    /**
     * A destination in a slow start takes the first attempt only with probability {@link Destination#share};
     * otherwise the first of the next ones that does comes first, and the one passed over stays behind it for
     * failover. Whatever the algorithm, the comeback's share of new calls thus rises from none to its full
     * share over the slow start.
     */
    static List<Destination> slowStart(List<Destination> order) {
        if (order.size() < 2 || !order.get(0).rampingUp()) {
            return order;
        }
        long now = System.nanoTime();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < order.size(); i++) {
            Destination d = order.get(i);
            double share = d.share(now);
            if (share >= 1 || random.nextDouble() < share) {
                if (i == 0) {
                    return order;
                }
                List<Destination> out = new ArrayList<>(order.size());
                out.add(d);
                for (int k = 0; k < order.size(); k++) {
                    if (k != i) {
                        out.add(order.get(k));
                    }
                }
                return out;
            }
        }
        return order; // every candidate is ramping and none drew its turn: keep the algorithm's choice
    }
}
