package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DispatchTable;
import io.sipdispatch.sip.SipParseException;
import io.sipdispatch.sip.SipUri;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The dispatch table with what the proxy derives from it once per load rather than per request: each
 * destination's next hop, and the addresses of each set for {@code source_in_set} ({@code ds_is_from_list}).
 * Immutable; swapped whole on reload.
 */
public final class DispatchSnapshot {
    private final DispatchTable table;
    private final IdentityHashMap<Destination, Target> targets = new IdentityHashMap<>();
    /** Per destination, its forwarding as outbound proxy [0] and with the Request-URI rewritten [1]: made once. */
    private final IdentityHashMap<Destination, Forwarding[]> forwardings = new IdentityHashMap<>();
    private final Map<Integer, Set<InetSocketAddress>> addressesBySet = new HashMap<>();
    private final Set<InetSocketAddress> allAddresses = new HashSet<>();

    /**
     * @throws IllegalArgumentException naming the destination whose URI gives no next hop
     */
    public DispatchSnapshot(DispatchTable table) {
        this.table = table;
        for (Destination d : table.destinations()) {
            Target t;
            try {
                t = Target.of(SipUri.parse(d.uri()));
            } catch (SipParseException e) {
                t = null;
            }
            if (t == null) {
                throw new IllegalArgumentException("destination " + d.uri() + " of set " + d.record().setId()
                    + ": needs an IP address and a udp or tcp transport in this version");
            }
            targets.put(d, t);
            forwardings.put(d, new Forwarding[] {new Forwarding(d, t, false), new Forwarding(d, t, true)});
            addressesBySet.computeIfAbsent(d.record().setId(), k -> new HashSet<>()).add(t.address());
            allAddresses.add(t.address());
        }
    }

    public DispatchTable table() {
        return table;
    }

    Target target(Destination d) {
        return targets.get(d);
    }

    /** How to forward to {@code d}: shared, not made per request. */
    Forwarding forwarding(Destination d, boolean rewriteRequestUri) {
        Forwarding[] f = forwardings.get(d);
        return f == null ? null : f[rewriteRequestUri ? 1 : 0];
    }

    /**
     * Whether {@code a} is the address and port of a destination of set {@code setId}, or of any set when 0
     * (Kamailio's {@code ds_is_from_list} in its default mode, which compares the port too).
     */
    boolean isFromSet(InetSocketAddress a, int setId) {
        if (setId == 0) {
            return allAddresses.contains(a);
        }
        Set<InetSocketAddress> s = addressesBySet.get(setId);
        return s != null && s.contains(a);
    }
}
