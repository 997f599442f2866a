package io.sipdispatch.server.proxy;

import io.sipdispatch.server.config.HostPort;
import io.sipdispatch.server.transport.Listener;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a host and port name this server (Kamailio's {@code myself}): the addresses it listens on (every
 * local address for a wildcard listener), the advertised ones, and the configured aliases. An alias without a
 * port matches every port this server listens on.
 */
public final class Myself {
    private final Set<String> hostPorts = new HashSet<>();
    private final Set<String> anyPortHosts = new HashSet<>();
    private final Set<Integer> ports = new HashSet<>();

    public Myself(List<Listener> listeners, List<String> aliases) {
        for (Listener l : listeners) {
            int bound = l.bound().getPort();
            ports.add(bound);
            ports.add(l.port());
            if (l.spec().advertisedHost() != null) {
                add(l.spec().advertisedHost(), l.port());
            }
            if (l.spec().wildcard()) {
                for (InetAddress a : localAddresses()) {
                    add(Listener.hostText(a), bound);
                }
            } else {
                add(Listener.hostText(l.bound().getAddress()), bound);
            }
        }
        for (String a : aliases) {
            HostPort hp = HostPort.parse(a, 0);
            if (hp.port() == 0) {
                anyPortHosts.add(normalize(hp.host()));
            } else {
                add(hp.host(), hp.port());
            }
        }
    }

    private void add(String host, int port) {
        hostPorts.add(normalize(host) + ":" + port);
    }

    /**
     * Whether {@code host:port} names this server; {@code port} -1 means absent, which is 5060 for sip
     * and 5061 for sips (RFC 3263 without DNS).
     */
    public boolean matches(String host, int port, boolean sips) {
        if (host == null) {
            return false;
        }
        int p = port > 0 ? port : (sips ? 5061 : 5060);
        String h = normalize(host);
        return hostPorts.contains(h + ":" + p) || (anyPortHosts.contains(h) && ports.contains(p));
    }

    /** Lower-cases names and writes IPv6 in one canonical, bracketed form. */
    static String normalize(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.indexOf(':') >= 0) {
            String lit = h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
            try {
                return Listener.hostText(InetAddress.getByName(lit));
            } catch (UnknownHostException e) {
                return h;
            }
        }
        return h;
    }

    private static List<InetAddress> localAddresses() {
        List<InetAddress> out = new java.util.ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                out.addAll(Collections.list(ni.getInetAddresses()));
            }
        } catch (SocketException e) {
            out.add(InetAddress.getLoopbackAddress());
        }
        return out;
    }
}
