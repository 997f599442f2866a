package io.sipdispatch.server.proxy;

import io.sipdispatch.sip.Header;
import io.sipdispatch.sip.NameAddr;
import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParseException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Responses sipdispatch sends itself, statelessly (RFC 3261 §8.2.6, §16.11): the request's Via lines, From,
 * To, Call-ID and CSeq copied, a To tag added when missing (the same for every retransmission, since it
 * is a hash of the request), Content-Length 0.
 */
final class Replies {
    private Replies() {
    }

    /**
     * The response to {@code req}.
     *
     * @param received    the source address to record in the top Via (RFC 3261 §18.2.1), or null
     * @param rport       the source port to record in the top Via's rport (RFC 3581), or -1
     * @param extraHeader a whole header line without CRLF ({@code Unsupported: foo}), or null
     */
    static byte[] build(SipMessage req, int code, String reason, String received, int rport, String extraHeader) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("SIP/2.0 ").append(code).append(' ').append(reason).append("\r\n");
        boolean first = true;
        for (String via : req.values(Header.VIA)) {
            sb.append("Via: ");
            if (first) {
                sb.append(withReceived(via, received, rport));
                first = false;
            } else {
                sb.append(via);
            }
            sb.append("\r\n");
        }
        String from = req.first(Header.FROM);
        String to = req.first(Header.TO);
        if (from != null) {
            sb.append("From: ").append(from).append("\r\n");
        }
        if (to != null) {
            sb.append("To: ").append(to);
            if (!hasTag(req) && code > 100) {
                sb.append(";tag=").append(toTag(req));
            }
            sb.append("\r\n");
        }
        String callId = req.first(Header.CALL_ID);
        if (callId != null) {
            sb.append("Call-ID: ").append(callId).append("\r\n");
        }
        String cseq = req.first(Header.CSEQ);
        if (cseq != null) {
            sb.append("CSeq: ").append(cseq).append("\r\n");
        }
        if (extraHeader != null) {
            sb.append(extraHeader).append("\r\n");
        }
        sb.append("Server: sipdispatch\r\nContent-Length: 0\r\n\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code Unsupported: a, b} for a 420 (RFC 3261 §16.3 item 6). */
    static String unsupported(List<String> tags) {
        return tags.isEmpty() ? null : "Unsupported: " + String.join(", ", tags);
    }

    private static boolean hasTag(SipMessage req) {
        try {
            NameAddr to = req.to();
            return to != null && to.tag() != null;
        } catch (SipParseException e) {
            return false;
        }
    }

    /**
     * The To tag of a response this server makes itself. It depends only on what the caller's ACK repeats
     * (Call-ID and From), so that the ACK for a final response sent without a transaction is recognised as
     * ours ({@link #acksOwnReply}) and absorbed instead of being forwarded as if it ended a 2xx.
     */
    private static String toTag(SipMessage req) {
        long h = 0x9e3779b97f4a7c15L;
        String callId = req.callId();
        if (callId != null) {
            h = h * 31 + callId.hashCode();
        }
        String from = req.first(Header.FROM);
        if (from != null) {
            h = h * 31 + from.hashCode();
        }
        return "sd" + Long.toHexString(h ^ (h >>> 29));
    }

    /** Whether {@code ack} acknowledges a final response this server made itself (its To tag is ours). */
    static boolean acksOwnReply(SipMessage ack) {
        try {
            NameAddr to = ack.to();
            String tag = to == null ? null : to.tag();
            return tag != null && tag.startsWith("sd") && tag.equals(toTag(ack));
        } catch (SipParseException e) {
            return false;
        }
    }

    /** The top Via value with {@code received} and {@code rport} set. */
    private static String withReceived(String via, String received, int rport) {
        String v = via;
        if (rport >= 0) {
            v = setParam(v, "rport", Integer.toString(rport));
        }
        if (received != null) {
            v = setParam(v, "received", received);
        }
        return v;
    }

    /** Sets {@code ;name=value} in a Via value, replacing a present one (valued or not). */
    static String setParam(String via, String name, String value) {
        int i = indexOfParam(via, name);
        if (i < 0) {
            return via + ";" + name + "=" + value;
        }
        int end = i + 1 + name.length();
        while (end < via.length() && via.charAt(end) != ';' && via.charAt(end) != ',') {
            end++;
        }
        return via.substring(0, i) + ";" + name + "=" + value + via.substring(end);
    }

    private static int indexOfParam(String via, String name) {
        int from = 0;
        while (true) {
            int i = via.indexOf(';', from);
            if (i < 0) {
                return -1;
            }
            int j = i + 1;
            while (j < via.length() && via.charAt(j) == ' ') {
                j++;
            }
            if (via.regionMatches(true, j, name, 0, name.length())) {
                int k = j + name.length();
                if (k == via.length() || via.charAt(k) == '=' || via.charAt(k) == ';' || via.charAt(k) == ' ') {
                    return i;
                }
            }
            from = i + 1;
        }
    }
}
