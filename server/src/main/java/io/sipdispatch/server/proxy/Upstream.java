package io.sipdispatch.server.proxy;

import io.sipdispatch.server.transport.Listener;
import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParseException;
import io.sipdispatch.sip.Via;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Where the responses to a request go (RFC 3261 §18.2.2, RFC 3581): over a stream on the connection it
 * came on (or, once that is closed, a new one to the Via's sent-by port); over UDP to the source address,
 * at the source port when the client asked for rport, else at the sent-by port. {@code received} and
 * {@code rport} are what sipdispatch's own responses record in the top Via.
 */
record Upstream(Listener in, InetSocketAddress to, Object connection, InetSocketAddress fallback, String received,
                int rport) {

    static Upstream of(SipMessage req, Listener in, InetSocketAddress source, Object connection) {
        InetAddress src = source.getAddress();
        String srcIp = src.getHostAddress();
        int pct = srcIp.indexOf('%');
        if (pct >= 0) {
            srcIp = srcIp.substring(0, pct);
        }
        int port = source.getPort();
        int sentBy = 5060;
        int rport = -1;
        String received = null;
        try {
            Via top = req.topVia();
            if (top != null) {
                sentBy = top.port() > 0 ? top.port() : 5060;
                if (top.hasRport()) {
                    rport = source.getPort();
                } else if (connection == null) {
                    port = sentBy;
                }
                if (!SipProxy.sameAddress(top.host(), src) || top.hasRport()) {
                    received = srcIp;
                }
            }
        } catch (SipParseException e) {
            // answer to the source address as it is
        }
        InetSocketAddress to = connection == null ? new InetSocketAddress(src, port) : source;
        return new Upstream(in, to, connection, new InetSocketAddress(src, sentBy), received, rport);
    }

    /** Sends a response: on the connection, or to the address. */
    void send(Outbound out, byte[] bytes) {
        if (connection == null) {
            out.send(in, to, bytes, null);
        } else if (in.transport().reliable()) {
            out.sendResponse(in, to, fallback, bytes);
        } else {
            out.send(in, to, bytes, connection);
        }
    }

    /** A response of sipdispatch's own to {@code req}. */
    byte[] reply(SipMessage req, int code, String reason, String extraHeader) {
        return Replies.build(req, code, reason, received, rport, extraHeader);
    }
}
