package io.sipdispatch.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * One listening socket, written as Kamailio writes {@code listen}: {@code udp:127.0.0.1:5060},
 * {@code tcp:[::1]:5060}, optionally followed by {@code advertise HOST[:PORT]}, the address to write into
 * Via and Record-Route instead of the bound one (for a server behind NAT), and {@code name NAME}, the name a
 * destination's {@code sockname} attribute chooses it by; in either order.
 *
 * @param advertisedHost null when the bound address is written
 * @param advertisedPort 0 when the bound port is written
 * @param name           null when unnamed
 */
public record ListenAddress(Transport transport, InetSocketAddress address, String advertisedHost, int advertisedPort,
                           String name) {

    public ListenAddress(Transport transport, InetSocketAddress address, String advertisedHost, int advertisedPort) {
        this(transport, address, advertisedHost, advertisedPort, null);
    }

    public static final int DEFAULT_PORT = 5060;

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ListenAddress parse(String text) {
        String t = text.trim();
        String advertise = null;
        String name = null;
        String[] words = t.split("\\s+");
        t = words[0];
        for (int i = 1; i < words.length; i += 2) {
            String key = words[i].toLowerCase(Locale.ROOT);
            if (i + 1 >= words.length || !(key.equals("advertise") || key.equals("name"))) {
                throw new IllegalArgumentException("expected 'advertise HOST[:PORT]' or 'name NAME' after the address"
                    + " in '" + text + "'");
            }
            String v = words[i + 1];
            if (key.equals("advertise")) {
                advertise = v;
            } else {
                name = v.replace("\"", "");
                if (!name.matches("[A-Za-z0-9_.-]+")) {
                    throw new IllegalArgumentException("listener name '" + v + "': letters, digits, _ . - only");
                }
            }
        }
        int colon = t.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected TRANSPORT:ADDRESS[:PORT], e.g. udp:127.0.0.1:5060, in '" + text + "'");
        }
        Transport transport = Transport.of(t.substring(0, colon));
        if (transport == null) {
            throw new IllegalArgumentException("unknown transport '" + t.substring(0, colon) + "' (udp, tcp, tls, ws or wss) in '" + text + "'");
        }
        HostPort hp = HostPort.parse(t.substring(colon + 1), DEFAULT_PORT);
        if (!hp.isIpLiteral()) {
            // Checked before InetAddress is asked: for a name it would look it up in DNS.
            throw new IllegalArgumentException("listen needs an IP address, not a name: '" + hp.host() + "'");
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(hp.literal());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: '" + hp.host() + "' in '" + text + "'");
        }
        String advHost = null;
        int advPort = 0;
        if (advertise != null) {
            HostPort a = HostPort.parse(advertise, 0);
            advHost = a.host();
            advPort = a.port();
        }
        return new ListenAddress(transport, new InetSocketAddress(ip, hp.port()), advHost, advPort, name);
    }

    /**
     * Whether a destination's {@code socket} attribute ({@code udp:127.0.0.1:5060}, as Kamailio writes it; port
     * 5060 when left out) or {@code sockname} attribute (this socket's {@code name}) names this socket.
     */
    public boolean named(String socket, String sockname) {
        if (sockname != null) {
            return sockname.equals(name);
        }
        if (socket == null) {
            return false;
        }
        try {
            ListenAddress a = parse(socket);
            return a.transport() == transport && a.address().equals(address);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public boolean wildcard() {
        return address.getAddress().isAnyLocalAddress();
    }

    @Override
    public String toString() {
        String host = address.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        String s = transport.paramName() + ":" + host + ":" + address.getPort();
        if (advertisedHost != null) {
            s += " advertise " + advertisedHost + (advertisedPort > 0 ? ":" + advertisedPort : "");
        }
        if (name != null) {
            s += " name " + name;
        }
        return s;
    }
}
