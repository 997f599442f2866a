package io.sipdispatch.server.transport;

import io.sipdispatch.server.config.ListenAddress;
import io.sipdispatch.server.config.Transport;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One configured listening socket as the proxy sees it: its transport and the address it writes into Via
 * and Record-Route. A socket bound to a wildcard address (0.0.0.0, ::) writes, towards each peer, the local
 * address the kernel routes to that peer from, so that every Via and Record-Route names a reachable address.
 */
public final class Listener {
    /** Wildcard lookups kept before the cache starts over: bounded, like every table on the message path. */
    static final int MAX_ROUTE_CACHE = 4096;

    private final ListenAddress spec;
    private final int index;
    private final String fixedHostPort; // null for a wildcard without advertise
    private final int port;
    private final boolean ipv6;
    private final ConcurrentHashMap<InetAddress, String> routeCache = new ConcurrentHashMap<>();

    public Listener(ListenAddress spec, int index) {
        this.spec = spec;
        this.index = index;
        this.port = spec.advertisedPort() > 0 ? spec.advertisedPort() : spec.address().getPort();
        this.ipv6 = spec.address().getAddress() instanceof Inet6Address;
        if (spec.advertisedHost() != null) {
            fixedHostPort = spec.advertisedHost() + ":" + port;
        } else if (!spec.wildcard()) {
            fixedHostPort = hostText(spec.address().getAddress()) + ":" + port;
        } else {
            fixedHostPort = null;
        }
    }

    public ListenAddress spec() {
        return spec;
    }

    public int index() {
        return index;
    }

    public Transport transport() {
        return spec.transport();
    }

    public InetSocketAddress bound() {
        return spec.address();
    }

    public boolean ipv6() {
        return ipv6;
    }

    /**
     * Whether a destination's {@code socket} attribute ({@code udp:127.0.0.1:5060}, as Kamailio writes it; the
     * port 5060 when left out) or {@code sockname} attribute (the listener's {@code name}) names this socket.
     */
    public boolean named(String socket, String sockname) {
        return spec.named(socket, sockname);
    }

    /** The port written into Via and Record-Route. */
    public int port() {
        return port;
    }

    /** {@code host:port} to write into a Via or Record-Route sent towards {@code peer}. */
    public String hostPort(InetAddress peer) {
        if (fixedHostPort != null) {
            return fixedHostPort;
        }
        String hp = routeCache.get(peer);
        if (hp == null) {
            hp = hostText(localAddressTowards(peer)) + ":" + port;
            if (routeCache.size() >= MAX_ROUTE_CACHE) {
                routeCache.clear();
            }
            routeCache.put(peer, hp);
        }
        return hp;
    }

    /** The source address the kernel picks for {@code peer}: a connected UDP socket sends nothing. */
    private InetAddress localAddressTowards(InetAddress peer) {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(peer, 9);
            InetAddress local = s.getLocalAddress();
            if (local != null && !local.isAnyLocalAddress()) {
                return local;
            }
        } catch (IOException | RuntimeException e) {
            // fall through: loopback is the one address every host has
        }
        return loopback(peer instanceof Inet6Address);
    }

    private static InetAddress loopback(boolean v6) {
        try {
            return InetAddress.getByAddress(v6 ? new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}
                : new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // a literal of the right length never fails
        }
    }

    /** An address as SIP writes it: IPv6 compressed (RFC 5952) and in brackets. */
    public static String hostText(InetAddress a) {
        String h = io.netty.util.NetUtil.toAddressString(a);
        int pct = h.indexOf('%');
        if (pct >= 0) {
            h = h.substring(0, pct);
        }
        return a instanceof Inet6Address ? "[" + h + "]" : h;
    }

    @Override
    public String toString() {
        return spec.toString();
    }
}
