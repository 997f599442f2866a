package io.sipdispatch.server.proxy;

import io.sipdispatch.server.config.HostPort;
import io.sipdispatch.server.config.Transport;
import io.sipdispatch.sip.SipUri;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A next hop the transports can send to: address, port and transport, from a SIP URI (RFC 3263 §4.1 without
 * DNS: the {@code transport} parameter, else UDP; the explicit port, else 5060). {@code sips:} URIs and
 * {@code transport=tls} need TLS, which this version does not speak: they resolve to {@code secure = true}
 * and no one sends to them over UDP or TCP.
 *
 * @param hostPort the host and port as written into a Request-URI rewrite ({@code ds_select_domain})
 */
public record Target(Transport transport, InetSocketAddress address, String hostPort, boolean secure) {

    /** The target of {@code uri}, or null when its host is not an IP address (names resolve in a later version). */
    public static Target of(SipUri uri) {
        if (uri == null || uri.isTel() || uri.host() == null) {
            return null;
        }
        String tp = uri.transport();
        boolean secure = uri.isSips() || "tls".equals(tp) || "wss".equals(tp);
        Transport t = tp == null ? Transport.UDP : Transport.of(tp);
        if (t == null && !secure) {
            return null;
        }
        if (secure) {
            t = "wss".equals(tp) ? Transport.WSS : Transport.TLS; // sips:, ;transport=tls (RFC 3261 §26.2.2)
        }
        HostPort hp = new HostPort(uri.host(), uri.port() > 0 ? uri.port() : (secure ? 5061 : 5060));
        if (!hp.isIpLiteral()) {
            return null;
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(hp.literal()); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
        return new Target(t, new InetSocketAddress(ip, hp.port()), hp.host() + ":" + hp.port(), secure);
    }

    @Override
    public String toString() {
        return transport.paramName() + ":" + hostPort + (secure ? " (secure)" : "");
    }
}
