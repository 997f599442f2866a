package io.sipdispatch.dispatcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An immutable snapshot of every destination set, built from the provisioned records (a list file or a
 * table) and swapped in whole on reload. Sets are in ascending id order; the destinations of a set are in
 * the order Kamailio gives them, which the positional algorithms (priority, round-robin, the modulo hash,
 * flag {@code d}'s "last destination") depend on: highest priority first.
 *
 * <p>Destinations of equal priority come in reverse load order in Kamailio: its loader inserts each record
 * after those of lower or equal priority, then copies the list backwards ({@code add_dest2list} and
 * {@code reindex_dests} in {@code dispatch.c}). So this file, all at priority 0,
 * <pre>
 * 1 sip:a.example.com
 * 1 sip:b.example.com
 * 1 sip:c.example.com
 * </pre>
 * gives set 1 as c b a: priority picks c, and with flag {@code d} a is the default. Kamailio's docs say as
 * much: set the priority to fix the order. OpenSIPS keeps load order among equals (a b c); build with
 * {@link Numbering#OPENSIPS} to follow it.
 *
 * <p>A rebuild keeps runtime state: a destination whose {@link DestinationRecord#identity() identity} was
 * in the previous table keeps its {@link Destination} object when its record is unchanged, and its state
 * (health, active calls, latency, overload control) in a new object when the record changed (new weight,
 * URI behind the same duid…), except that a changed {@code flags} column sets the state anew: the operator
 * asked for it ({@link ReloadState} says when the provisioned state wins). Each set keeps its round-robin
 * position.
 */
public final class DispatchTable {
    public static final DispatchTable EMPTY = new DispatchTable(Map.of(), List.of(), List.of());

    private final Map<Integer, DestinationSet> byId;
    private final List<DestinationSet> sets;
    private final List<Destination> destinations;

    private DispatchTable(Map<Integer, DestinationSet> byId, List<DestinationSet> sets,
                          List<Destination> destinations) {
        this.byId = byId;
        this.sets = sets;
        this.destinations = destinations;
    }

    /** A table in Kamailio's order, carrying runtime state over from {@code previous} (null for none). */
    public static DispatchTable build(List<DestinationRecord> records, DispatchTable previous) {
        return build(records, previous, Numbering.KAMAILIO);
    }

    /**
     * A table whose sets are ordered as {@code order}'s project orders them (the two differ only among equal
     * priorities), carrying runtime state over from {@code previous} (null for none).
     */
    public static DispatchTable build(List<DestinationRecord> records, DispatchTable previous, Numbering order) {
        return build(records, previous, order, ReloadState.INHERIT);
    }

    /**
     * As {@link #build(List, DispatchTable, Numbering)}, with {@code states} saying whether a destination
     * that was in {@code previous} keeps its running state or takes the provisioned one.
     */
    public static DispatchTable build(List<DestinationRecord> records, DispatchTable previous, Numbering order,
                                      ReloadState states) {
        Map<String, Destination> old = new HashMap<>();
        if (previous != null) {
            for (Destination d : previous.destinations) {
                old.putIfAbsent(d.identity(), d);
            }
        }
        Map<Integer, List<DestinationRecord>> grouped = new TreeMap<>();
        for (DestinationRecord r : records) {
            grouped.computeIfAbsent(r.setId(), k -> new ArrayList<>()).add(r);
        }
        Map<String, Destination> made = new HashMap<>();
        Map<Integer, DestinationSet> byId = new LinkedHashMap<>();
        List<Destination> all = new ArrayList<>(records.size());
        for (Map.Entry<Integer, List<DestinationRecord>> e : grouped.entrySet()) {
            List<DestinationRecord> rs = new ArrayList<>(e.getValue());
            if (order != Numbering.OPENSIPS) {
                Collections.reverse(rs);
            }
            rs.sort(Comparator.comparingInt(DestinationRecord::priority).reversed()); // stable
            List<Destination> ds = new ArrayList<>(rs.size());
            for (DestinationRecord r : rs) {
                ds.add(destination(r, old, made, states));
            }
            DestinationSet before = previous == null ? null : previous.set(e.getKey());
            AtomicLong next = before == null ? new AtomicLong() : before.next;
            DestinationSet set = new DestinationSet(e.getKey(), ds, next);
            byId.put(e.getKey(), set);
            all.addAll(set.destinations());
        }
        return new DispatchTable(Collections.unmodifiableMap(byId), List.copyOf(byId.values()), List.copyOf(all));
    }

    private static Destination destination(DestinationRecord r, Map<String, Destination> old,
                                           Map<String, Destination> made, ReloadState states) {
        String identity = r.identity();
        Destination twin = made.get(identity);
        if (twin != null) {
            // The same destination listed twice (Kamailio allows it, e.g. to double a share): one state.
            return new Destination(r, twin);
        }
        Destination before = old.get(identity);
        Destination d;
        if (before == null) {
            d = new Destination(r);
        } else {
            d = before.record().equals(r) ? before : new Destination(r, before);
            boolean edited = before.record().state() != r.state();
            if (states == ReloadState.OVERRIDE || (states == ReloadState.INHERIT && edited)) {
                d.updateState(r.state(), DestinationFlags.ALL);
            }
        }
        made.put(identity, d);
        return d;
    }

    /** The set with this id, or null. */
    public DestinationSet set(int id) {
        return byId.get(id);
    }

    /** Every set, by ascending id. */
    public List<DestinationSet> sets() {
        return sets;
    }

    /** Every destination, set by set in set order. */
    public List<Destination> destinations() {
        return destinations;
    }
}
