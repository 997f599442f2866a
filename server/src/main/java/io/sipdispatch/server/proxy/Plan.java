package io.sipdispatch.server.proxy;

import io.sipdispatch.server.config.ReplySpec;
import io.sipdispatch.sip.SipParseException;

/**
 * How a stateful transaction forwards its request: the destinations to try in order, the request each
 * branch sends, and what to do when one fails. The proxy core makes one per request.
 */
interface Plan {
    /** The next destination to try, or null when none is left. */
    Hop next();

    /**
     * The request as branch {@code branch} sends it to {@code hop}; {@code maxBreadth} is the Max-Breadth
     * value the branch carries (RFC 5393), or -1 to leave the header as received.
     */
    byte[] write(Hop hop, String branch, int maxBreadth) throws SipParseException;

    /** What to do when a branch fails; none by default (a request with one next hop). */
    default Failover failover() {
        return Failover.NONE;
    }

    /** The reply when failover has tried every destination; null (the default) to answer with the best response. */
    default ReplySpec whenNoneLeft() {
        return null;
    }

    /** Fork to every destination at once (Kamailio algorithm 12) rather than one after the other. */
    default boolean parallel() {
        return false;
    }

    /** Whether the call is counted against its destination for call-load (Kamailio algorithm 10). */
    default boolean countsCalls() {
        return false;
    }
}
