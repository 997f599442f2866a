package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DispatchTable;
import io.sipdispatch.server.config.DispatcherSettings;
import io.sipdispatch.server.config.HostPort;
import io.sipdispatch.server.config.Transport;
import io.sipdispatch.server.dns.DnsCache;
import io.sipdispatch.server.dns.SipResolver;
import io.sipdispatch.sip.SipParseException;
import io.sipdispatch.sip.SipUri;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dispatch tables of every partition, with what the proxy derives from them once per load rather than
 * per request: each destination's next hop, the addresses of each set for {@code source_in_set}
 * ({@code ds_is_from_list}) and {@code in_list} ({@code ds_is_in_list}), and the blacklists' addresses.
 * Immutable; a reload swaps it whole, with the reloaded partition's table replaced.
 *
 * <p>A destination given by host name has as many next hops as its name resolves to (RFC 3263: every SRV
 * target with its priority and weight), from the DNS cache as it is when the snapshot is made; the cache
 * makes a new snapshot when a name's answer changes, so that nothing on the message path waits for DNS. A
 * request goes to one of them chosen as RFC 2782 says: the best priority, then at random by weight.
 */
public final class DispatchSnapshot {
    /** Kamailio's flag for a destination whose name is not resolved at load ({@code DS_NODNSARES_DST}). */
    public static final int NO_DNS = 16;

    /** One next hop of a destination: its target, forwardings, and SRV priority and weight. */
    private record Member(Target target, Forwarding[] forwardings, int priority, int weight) {
    }

    /** A blacklist's definition: the sets of a partition whose IPs it holds ({@code ds_define_blacklist}). */
    public record BlacklistDefinition(String partition, List<Integer> sets) {
    }

    private final Map<String, DispatchTable> partitions;
    private final Map<String, BlacklistDefinition> blacklistDefinitions;
    private final DispatchTable table;
    private final IdentityHashMap<Destination, Target> targets = new IdentityHashMap<>();
    /** Per destination, its next hops, best priority first: one for an address, several for a name. */
    private final IdentityHashMap<Destination, Member[]> members = new IdentityHashMap<>();
    /** Per destination given by name, what was asked of DNS. */
    private final IdentityHashMap<Destination, DnsCache.Key> names = new IdentityHashMap<>();
    private final DnsCache dns;
    private final IdentityHashMap<Destination, String> partitionOf = new IdentityHashMap<>();
    /** Per partition, its destinations by identity: to find a destination an older table still names. */
    private final Map<String, Map<String, Destination>> byIdentity = new HashMap<>();
    /** The default partition's addresses per set, for {@code source_in_set}. */
    private final Map<Integer, Set<InetSocketAddress>> addressesBySet = new HashMap<>();
    /** Every destination's address, over all partitions, with the destinations there. */
    private final Map<InetSocketAddress, List<Destination>> byAddress = new HashMap<>();
    /** Per partition, the destinations at each IP, for {@code in_list}. */
    private final Map<String, Map<InetAddress, List<Destination>>> byIp = new HashMap<>();
    /** Per blacklist, its IPs. */
    private final Map<String, Set<InetAddress>> blacklists = new HashMap<>();

    /** The default partition alone, without blacklists. */
    public DispatchSnapshot(DispatchTable table) {
        this(Map.of(DispatcherSettings.DEFAULT_PARTITION, table), Map.of());
    }

    /**
     * @param partitions           every partition's table by name; {@code default} is the one {@link #table()} gives
     * @param blacklistDefinitions every blacklist by name
     * @throws IllegalArgumentException naming the destination whose URI gives no next hop
     */
    public DispatchSnapshot(Map<String, DispatchTable> partitions, Map<String, BlacklistDefinition> blacklistDefinitions) {
        this(partitions, blacklistDefinitions, null);
    }

    /**
     * With {@code dns} for destinations given by host name: a name not yet watched is resolved now (the
     * caller waits: a load or a reload), unless its destination has the no-DNS flag (16), whose name is then
     * resolved in the background and has no next hop until it does.
     *
     * @throws IllegalArgumentException naming the destination whose URI gives no next hop
     */
    public DispatchSnapshot(Map<String, DispatchTable> partitions, Map<String, BlacklistDefinition> blacklistDefinitions,
                            DnsCache dns) {
        this.dns = dns;
        this.partitions = Collections.unmodifiableMap(new LinkedHashMap<>(partitions));
        this.blacklistDefinitions = Map.copyOf(blacklistDefinitions);
        this.table = partitions.getOrDefault(DispatcherSettings.DEFAULT_PARTITION, DispatchTable.EMPTY);
        for (Map.Entry<String, DispatchTable> p : partitions.entrySet()) {
            String name = p.getKey();
            boolean dflt = name.equals(DispatcherSettings.DEFAULT_PARTITION);
            Map<InetAddress, List<Destination>> ips = new HashMap<>();
            byIp.put(name, ips);
            for (Destination d : p.getValue().destinations()) {
                partitionOf.put(d, name);
                byIdentity.computeIfAbsent(name, k -> new HashMap<>()).putIfAbsent(d.identity(), d);
                Member[] ms = members(d, dflt ? "" : " of partition " + name);
                if (ms.length == 0) {
                    continue; // a name that does not resolve (yet): no next hop, passed over until it does
                }
                members.put(d, ms);
                targets.put(d, ms[0].target());
                for (Member m : ms) {
                    InetSocketAddress a = m.target().address();
                    if (dflt) {
                        addressesBySet.computeIfAbsent(d.record().setId(), k -> new HashSet<>()).add(a);
                    }
                    List<Destination> at = byAddress.computeIfAbsent(a, k -> new ArrayList<>(1));
                    if (!at.contains(d)) {
                        at.add(d);
                    }
                    List<Destination> onIp = ips.computeIfAbsent(a.getAddress(), k -> new ArrayList<>(1));
                    if (!onIp.contains(d)) {
                        onIp.add(d);
                    }
                }
            }
        }
        blacklistDefinitions.forEach((name, def) -> {
            Set<InetAddress> ips = new HashSet<>();
            DispatchTable t = partitions.get(def.partition());
            if (t != null) {
                for (int set : def.sets()) {
                    var s = t.set(set);
                    if (s != null) {
                        for (Destination d : s.destinations()) {
                            for (Member m : members.getOrDefault(d, new Member[0])) {
                                ips.add(m.target().address().getAddress());
                            }
                        }
                    }
                }
            }
            blacklists.put(name, ips);
        });
    }

    /** The next hops of {@code d}: its address, or what its name resolves to now. */
    private Member[] members(Destination d, String where) {
        SipUri u;
        try {
            u = SipUri.parse(d.uri());
        } catch (SipParseException e) {
            u = null;
        }
        Target t = Target.of(u);
        if (t != null) {
            return new Member[] {member(d, t, 0, 1)};
        }
        boolean named = u != null && u.isSip() && u.host() != null && !new HostPort(u.host(), 0).isIpLiteral();
        String transport = u == null ? null : u.transport();
        Transport tp = transport == null ? null : Transport.of(transport);
        if (!named || dns == null || (transport != null && (tp == null || tp.webSocket()))) {
            throw new IllegalArgumentException("destination " + d.uri() + " of set " + d.record().setId() + where
                + ": needs an address or a host name, and a udp, tcp or tls transport (a WebSocket peer is reached"
                + " only on the connection it opened)");
        }
        if (u.isSips() && tp != null && !tp.secure()) {
            tp = Transport.TLS; // sips: over TCP is TLS (RFC 3261 §26.2.2)
        }
        DnsCache.Key key = new DnsCache.Key(u.host().toLowerCase(java.util.Locale.ROOT), tp, Math.max(0, u.port()),
            u.isSips());
        names.put(d, key);
        DnsCache.Entry e = (d.record().flags() & NO_DNS) != 0 ? dns.watchLater(key) : dns.watch(key);
        List<SipResolver.Target> rs = e.targets();
        Member[] out = new Member[rs.size()];
        for (int i = 0; i < out.length; i++) {
            SipResolver.Target r = rs.get(i);
            // The address carries the name it was resolved from (no lookup either way), for TLS's SNI and
            // certificate check; it compares equal to the bare address in every table.
            InetSocketAddress withName;
            try {
                withName = new InetSocketAddress(InetAddress.getByAddress(u.host(),
                    r.address().getAddress().getAddress()), r.address().getPort());
            } catch (java.net.UnknownHostException bad) {
                withName = r.address();
            }
            out[i] = member(d, new Target(r.transport(), withName, u.host() + ":" + r.address().getPort(),
                r.transport().secure()), r.priority(), r.weight());
        }
        return out;
    }

    private static Member member(Destination d, Target t, int priority, int weight) {
        return new Member(t, new Forwarding[] {new Forwarding(d, t, false), new Forwarding(d, t, true)}, priority,
            weight);
    }

    /** The same tables with the DNS cache's answers as they are now (a name's answer changed). */
    public DispatchSnapshot withCurrentDns() {
        return new DispatchSnapshot(partitions, blacklistDefinitions, dns);
    }

    /** What DNS said of {@code d}'s name, or null when it has an address rather than a name. */
    public DnsCache.Entry dnsEntry(Destination d) {
        DnsCache.Key k = names.get(d);
        return k == null || dns == null ? null : dns.get(k);
    }

    /** Every blacklist the partitions of {@code settings} define, by name. */
    public static Map<String, BlacklistDefinition> blacklistDefinitions(DispatcherSettings settings) {
        Map<String, BlacklistDefinition> out = new LinkedHashMap<>();
        settings.allPartitions().forEach((partition, p) ->
            p.blacklists().forEach((name, sets) -> out.put(name, new BlacklistDefinition(partition, sets))));
        return out;
    }

    /** The same partitions with {@code partition}'s table replaced by {@code t}: a reload's result. */
    public DispatchSnapshot with(String partition, DispatchTable t) {
        Map<String, DispatchTable> next = new LinkedHashMap<>(partitions);
        next.put(partition, t);
        return new DispatchSnapshot(next, blacklistDefinitions, dns);
    }

    /** The default partition's table. */
    public DispatchTable table() {
        return table;
    }

    /** The table of {@code partition}, or null when there is no such partition. */
    public DispatchTable table(String partition) {
        return partitions.get(partition);
    }

    /** Every partition's table by name, the default one first. */
    public Map<String, DispatchTable> partitions() {
        return partitions;
    }

    /**
     * The partition {@code d} is in, or null when it is not in this snapshot. A destination of an older table
     * (a probe or a call still holding it across a reload that edited its row) is found by its identity and
     * the runtime state it shares with its successor; one that was removed is not found.
     */
    public String partitionOf(Destination d) {
        String p = partitionOf.get(d);
        if (p != null) {
            return p;
        }
        for (Map.Entry<String, Map<String, Destination>> e : byIdentity.entrySet()) {
            Destination now = e.getValue().get(d.identity());
            if (now != null && now.sharesStateWith(d)) {
                return e.getKey();
            }
        }
        return null;
    }

    /** The destination of {@code partition} whose identity is {@code identity}, or null. */
    public Destination byIdentity(String partition, String identity) {
        Map<String, Destination> m = byIdentity.get(partition);
        return m == null ? null : m.get(identity);
    }

    Target target(Destination d) {
        return targets.get(d);
    }

    /**
     * How to forward to {@code d}: shared, not made per request. For a name with several next hops, one of
     * the best priority chosen at random by SRV weight (RFC 2782; zero weights only when all are zero).
     */
    Forwarding forwarding(Destination d, boolean rewriteRequestUri) {
        Member[] ms = members.get(d);
        if (ms == null) {
            return null;
        }
        Member m = ms.length == 1 ? ms[0] : pick(ms);
        return m.forwardings()[rewriteRequestUri ? 1 : 0];
    }

    /** Every next hop of {@code d}, best priority first: the alternatives when the chosen one cannot be used. */
    List<Forwarding> forwardings(Destination d, boolean rewriteRequestUri) {
        Member[] ms = members.get(d);
        if (ms == null) {
            return List.of();
        }
        List<Forwarding> out = new ArrayList<>(ms.length);
        for (Member m : ms) {
            out.add(m.forwardings()[rewriteRequestUri ? 1 : 0]);
        }
        return out;
    }

    private static Member pick(Member[] ms) {
        int best = ms[0].priority();
        int n = 0;
        long total = 0;
        while (n < ms.length && ms[n].priority() == best) {
            total += ms[n].weight();
            n++;
        }
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        if (total == 0) {
            return ms[r.nextInt(n)];
        }
        long x = r.nextLong(total);
        for (int i = 0; i < n; i++) {
            x -= ms[i].weight();
            if (x < 0) {
                return ms[i];
            }
        }
        return ms[0];
    }

    /** The destinations, of any partition, whose next hop is {@code a}; empty when none. */
    List<Destination> at(InetSocketAddress a) {
        return byAddress.getOrDefault(a, List.of());
    }

    /**
     * Whether {@code a} is the address and port of a destination of set {@code setId} of the default
     * partition, or of any set when 0 (Kamailio's {@code ds_is_from_list} in its default mode, which compares
     * the port too).
     */
    boolean isFromSet(InetSocketAddress a, int setId) {
        if (setId == 0) {
            List<Destination> ds = byAddress.get(a);
            if (ds != null) {
                for (Destination d : ds) {
                    if (DispatcherSettings.DEFAULT_PARTITION.equals(partitionOf.get(d))) {
                        return true;
                    }
                }
            }
            return false;
        }
        Set<InetSocketAddress> s = addressesBySet.get(setId);
        return s != null && s.contains(a);
    }

    /**
     * OpenSIPS's {@code ds_is_in_list(ip, port, set, partition, active_only)}: whether a destination of
     * {@code partition} is at {@code ip} and {@code port} (0: any port), in {@code set} (-1: any set), and,
     * with {@code activeOnly}, in use (not inactive, disabled or draining).
     */
    public boolean isInList(String partition, InetAddress ip, int port, int set, boolean activeOnly) {
        Map<InetAddress, List<Destination>> ips = byIp.get(partition);
        List<Destination> ds = ips == null ? null : ips.get(ip);
        if (ds == null) {
            return false;
        }
        for (Destination d : ds) {
            if ((set < 0 || d.record().setId() == set)
                && (port == 0 || hasPort(d, ip, port))
                && (!activeOnly || d.selectable())) {
                return true;
            }
        }
        return false;
    }

    private boolean hasPort(Destination d, InetAddress ip, int port) {
        for (Member m : members.getOrDefault(d, new Member[0])) {
            if (m.target().address().getPort() == port && m.target().address().getAddress().equals(ip)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code ip} is on one of the blacklists {@code names}. */
    boolean blacklisted(List<String> names, InetAddress ip) {
        for (String n : names) {
            Set<InetAddress> s = blacklists.get(n);
            if (s != null && s.contains(ip)) {
                return true;
            }
        }
        return false;
    }
}
