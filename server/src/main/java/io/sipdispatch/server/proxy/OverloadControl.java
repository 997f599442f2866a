package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.sip.Params;
import io.sipdispatch.sip.Via;
import java.util.concurrent.TimeUnit;

/**
 * RFC 7339 loss-based overload control, the client side: sipdispatch offers it in the Via it adds to a
 * request dispatched by round-robin-overload (Kamailio algorithm 64), and a destination that is overloaded
 * answers with {@code oc} (the percentage of requests to shed), {@code oc-validity} (for how long, in ms) and
 * {@code oc-seq} (a timestamp ordering its updates) in that Via. Algorithm 64 then skips it for that share of
 * first attempts until the validity ends.
 */
final class OverloadControl {
    /** The Via parameters of the offer: overload control supported, with the loss algorithm (RFC 7339 §4.1). */
    static final String OFFER = ";oc;oc-algo=\"loss\"";
    /** The validity when a response gives none (RFC 7339 §5.2). */
    static final long DEFAULT_VALIDITY_MILLIS = 500;

    private OverloadControl() {
    }

    /**
     * Applies what {@code ours} (the top Via of a response, the one sipdispatch added) says of overload to
     * {@code d}: nothing when it carries no {@code oc} value. {@code oc-validity=0} ends any reduction in force.
     * An update with an {@code oc-seq} not greater than the last one applied came late and is ignored; one
     * without {@code oc-seq} is applied as it comes. Returns whether the destination's overload control changed.
     */
    static boolean apply(Via ours, Destination d, long nowNanos) {
        Params p = ours.params();
        String oc = p.get("oc");
        if (oc == null || d == null) {
            return false;
        }
        int rate = (int) digits(oc, 0, oc.length(), 3);
        if (rate < 0) {
            return false; // not a number: the parameter is ignored, as an unknown one would be
        }
        String v = p.get("oc-validity");
        long validity = v == null ? DEFAULT_VALIDITY_MILLIS : digits(v, 0, v.length(), 9);
        if (validity < 0) {
            return false;
        }
        if (validity == 0) {
            rate = 0;
        }
        long until = nowNanos + TimeUnit.MILLISECONDS.toNanos(Math.max(1, validity));
        String seq = p.get("oc-seq");
        if (seq == null) {
            d.setOverloadControl(rate, until);
            return true;
        }
        long s = sequence(seq);
        return s >= 0 && d.setOverloadControl(rate, until, s);
    }

    /**
     * {@code oc-seq} as a number that orders updates: RFC 7339 writes it as a timestamp with a fraction
     * ({@code 1282321615.781}), read here in microseconds; -1 when it is not such a number.
     */
    static long sequence(String seq) {
        int dot = seq.indexOf('.');
        int end = dot < 0 ? seq.length() : dot;
        long whole = digits(seq, 0, end, 12);
        if (whole < 0) {
            return -1;
        }
        long micros = 0;
        if (dot >= 0) {
            if (dot == seq.length() - 1) {
                return -1;
            }
            for (int k = dot + 1; k < seq.length(); k++) {
                char c = seq.charAt(k);
                if (c < '0' || c > '9') {
                    return -1;
                }
            }
            for (int i = 0; i < 6; i++) { // microseconds: digits past the sixth order nothing a server sends
                int k = dot + 1 + i;
                micros = micros * 10 + (k < seq.length() ? seq.charAt(k) - '0' : 0);
            }
        }
        return whole * 1_000_000 + micros;
    }

    /** The decimal number in {@code s[from, to)} of at most {@code max} digits, or -1. */
    private static long digits(String s, int from, int to, int max) {
        if (to <= from || to - from > max) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
