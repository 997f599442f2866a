package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.Hashing;
import io.sipdispatch.sip.CSeq;
import io.sipdispatch.sip.NameAddr;
import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParseException;
import io.sipdispatch.sip.Via;
import java.util.List;

/**
 * The Via branch a stateless proxy writes (RFC 3261 §16.11, §16.6 step 8), computed from the request alone
 * so that a retransmission, the CANCEL of the request and the ACK of its non-2xx final response all get the
 * same branch, and therefore reach the same next hop and match the same downstream transaction.
 *
 * <p>Layout: {@code z9hG4bK} + {@code sd} + 16 hex digits of the transaction hash + {@code .} + 16 hex
 * digits of the loop hash; a stateful proxy's branches add {@code .} and the branch's index within its
 * transaction, so that each fork and each failover attempt is a transaction of its own downstream while
 * the transaction hash still names the upstream transaction (and the event loop that owns it).
 * <ul>
 * <li>The transaction hash names the upstream transaction: its branch and sent-by (RFC 3261 §17.2.3), or,
 *     for an RFC 2543 client without the magic cookie, the Request-URI, Call-ID, CSeq number, From tag and
 *     top Via (§17.2.3's fallback). The method is left out, so that CANCEL and ACK share the INVITE's value.</li>
 * <li>The loop hash covers what a spiral changes (§16.3 item 4): Request-URI, Call-ID, CSeq number, From tag
 *     and the Route set. A request that comes back with a Via of ours whose loop hash equals the one it would
 *     get now has looped (482); one that was retargeted in between is a spiral and passes.</li>
 * </ul>
 */
final class Branches {
    static final String PREFIX = Via.MAGIC_COOKIE + "sd";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Branches() {
    }

    /** The transaction hash: the key of the stateless affinity memory and the first half of the branch. */
    static long transactionHash(SipMessage m, Via top) throws SipParseException {
        long h = FNV_OFFSET;
        if (top.hasRfc3261Branch()) {
            h = mix(h, top.branch());
            h = mix(h, top.host());
            h = mixInt(h, top.port());
        } else {
            h = mixRequestIdentity(h, m);
            h = mix(h, top.toString());
        }
        return finish(h);
    }

    /** The loop hash of the request as received, with its Route values {@code routes}. */
    static long loopHash(SipMessage m, List<String> routes) throws SipParseException {
        long h = mixRequestIdentity(FNV_OFFSET, m);
        for (String r : routes) {
            h = mix(h, r);
        }
        return finish(h);
    }

    /** Request-URI, Call-ID, CSeq number and From tag: what both hashes take from the request itself. */
    private static long mixRequestIdentity(long h, SipMessage m) throws SipParseException {
        h = mix(h, m.requestUriString());
        h = mix(h, m.callId());
        CSeq c = m.cseq();
        h = mixLong(h, c == null ? 0 : c.number());
        NameAddr from = m.from();
        return mix(h, from == null ? null : from.tag());
    }

    static String branch(long transactionHash, long loopHash) {
        char[] out = new char[PREFIX.length() + 33];
        PREFIX.getChars(0, PREFIX.length(), out, 0);
        int o = PREFIX.length();
        o = hex(transactionHash, out, o);
        out[o++] = '.';
        hex(loopHash, out, o);
        return new String(out);
    }

    /** The branch of fork or attempt {@code index} of a stateful transaction. */
    static String branch(long transactionHash, long loopHash, int index) {
        return branch(transactionHash, loopHash) + '.' + index;
    }

    /** Whether {@code branch} was written by one of the {@code branch} methods. */
    static boolean ours(String branch) {
        int base = PREFIX.length() + 33;
        if (branch == null || branch.length() < base || !branch.startsWith(PREFIX)
            || branch.charAt(PREFIX.length() + 16) != '.') {
            return false;
        }
        return branch.length() == base || branchIndexOf(branch) >= 0;
    }

    /** The loop hash carried by one of our branches. */
    static long loopHashOf(String branch) {
        return Long.parseUnsignedLong(branch, PREFIX.length() + 17, PREFIX.length() + 33, 16);
    }

    /** The transaction hash carried by one of our branches. */
    static long transactionHashOf(String branch) {
        return Long.parseUnsignedLong(branch, PREFIX.length(), PREFIX.length() + 16, 16);
    }

    /** The index of a stateful branch; -1 for a stateless one (or anything else). */
    static int branchIndexOf(String branch) {
        int base = PREFIX.length() + 33;
        int n = branch.length() - base - 1;
        if (n < 1 || n > 4 || branch.charAt(base) != '.') {
            return -1;
        }
        int v = 0;
        for (int i = base + 1; i < branch.length(); i++) {
            char c = branch.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int hex(long v, char[] out, int o) {
        for (int s = 60; s >= 0; s -= 4) {
            out[o++] = HEX[(int) (v >>> s) & 0xf];
        }
        return o;
    }

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private static long mix(long h, String s) {
        if (s == null) {
            return (h ^ 0xff) * FNV_PRIME;
        }
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * FNV_PRIME;
        }
        return (h ^ 0x1f) * FNV_PRIME; // a separator, so that "ab","c" and "a","bc" differ
    }

    private static long mixInt(long h, int v) {
        return mixLong(h, v);
    }

    private static long mixLong(long h, long v) {
        for (int i = 0; i < 8; i++) {
            h = (h ^ ((v >>> (i * 8)) & 0xff)) * FNV_PRIME;
        }
        return h;
    }

    /** FNV's low bits are weak: the dispatcher's finaliser spreads them over all 64. */
    private static long finish(long h) {
        return Hashing.mix(h);
    }
}
