package io.sipdispatch.server.proxy;

import io.sipdispatch.sip.CSeq;
import io.sipdispatch.sip.Header;
import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParseException;
import java.nio.charset.StandardCharsets;

/**
 * Requests a stateful proxy writes itself for a branch it forwarded: the ACK of a non-2xx final response
 * (RFC 3261 §17.1.1.3) and the CANCEL of a pending INVITE (§9.1). Both copy the branch request's
 * Request-URI, top Via (ours, so the downstream transaction matches), Route set, Call-ID, From and CSeq
 * number; the ACK takes its To from the response, the CANCEL from the request.
 */
final class Requests {
    private Requests() {
    }

    static byte[] ack(SipMessage branchRequest, SipMessage response) throws SipParseException {
        return build("ACK", branchRequest, response.first(Header.TO));
    }

    static byte[] cancel(SipMessage branchRequest) throws SipParseException {
        return build("CANCEL", branchRequest, branchRequest.first(Header.TO));
    }

    private static byte[] build(String method, SipMessage req, String to) throws SipParseException {
        CSeq cseq = req.cseq();
        StringBuilder sb = new StringBuilder(384);
        sb.append(method).append(' ').append(req.requestUriString()).append(" SIP/2.0\r\n");
        sb.append("Via: ").append(req.values(Header.VIA).get(0)).append("\r\n");
        for (String r : req.values(Header.ROUTE)) {
            sb.append("Route: ").append(r).append("\r\n");
        }
        sb.append("Max-Forwards: 70\r\n");
        sb.append("From: ").append(req.first(Header.FROM)).append("\r\n");
        sb.append("To: ").append(to).append("\r\n");
        sb.append("Call-ID: ").append(req.callId()).append("\r\n");
        sb.append("CSeq: ").append(cseq.number()).append(' ').append(method).append("\r\n");
        sb.append("Content-Length: 0\r\n\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
