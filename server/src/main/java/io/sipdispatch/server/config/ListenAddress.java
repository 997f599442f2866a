package io.sipdispatch.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * One listening socket, written as Kamailio writes {@code listen}: {@code udp:127.0.0.1:5060},
 * {@code tcp:[::1]:5060}, optionally followed by {@code advertise HOST[:PORT]}, the address to write into
 * Via and Record-Route instead of the bound one (for a server behind NAT).
 *
 * @param advertisedHost null when the bound address is written
 * @param advertisedPort 0 when the bound port is written
 */
public record ListenAddress(Transport transport, InetSocketAddress address, String advertisedHost, int advertisedPort) {

    public static final int DEFAULT_PORT = 5060;

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ListenAddress parse(String text) {
        String t = text.trim();
        String advertise = null;
        int sp = t.indexOf(' ');
        if (sp > 0) {
            String rest = t.substring(sp + 1).trim();
            t = t.substring(0, sp);
            if (!rest.toLowerCase(Locale.ROOT).startsWith("advertise ")) {
                throw new IllegalArgumentException("expected 'advertise HOST[:PORT]' after the address in '" + text + "'");
            }
            advertise = rest.substring("advertise ".length()).trim();
        }
        int colon = t.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected TRANSPORT:ADDRESS[:PORT], e.g. udp:127.0.0.1:5060, in '" + text + "'");
        }
        Transport transport = Transport.of(t.substring(0, colon));
        if (transport == null) {
            throw new IllegalArgumentException("unknown transport '" + t.substring(0, colon) + "' (udp or tcp) in '" + text + "'");
        }
        HostPort hp = HostPort.parse(t.substring(colon + 1), DEFAULT_PORT);
        InetAddress ip;
        try {
            ip = InetAddress.getByName(hp.literal());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: '" + hp.host() + "' in '" + text + "'");
        }
        if (!hp.isIpLiteral()) {
            throw new IllegalArgumentException("listen needs an IP address, not a name: '" + hp.host() + "'");
        }
        String advHost = null;
        int advPort = 0;
        if (advertise != null) {
            HostPort a = HostPort.parse(advertise, 0);
            advHost = a.host();
            advPort = a.port();
        }
        return new ListenAddress(transport, new InetSocketAddress(ip, hp.port()), advHost, advPort);
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
        return s;
    }
}
