package io.sipdispatch.server.proxy;

import java.time.Duration;

/**
 * The transaction timer base values of RFC 3261 §17.1.1.1 and Table 4: T1 (round-trip estimate, 500 ms),
 * T2 (the longest retransmit interval for non-INVITE requests and INVITE responses, 4 s) and T4 (the
 * longest a message stays in the network, 5 s). Every other timer derives from them, but for {@code linger}:
 * how long a server transaction that has answered stays to absorb retransmissions (Timer J, and RFC 6026's
 * Timer L), 64·T1 in the RFCs; a server may keep it shorter, as Kamailio's {@code wt_timer} does, so that
 * the table stays small under load.
 */
public record SipTimers(Duration t1, Duration t2, Duration t4, Duration linger) {
    public static final SipTimers DEFAULT = new SipTimers(Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(5));

    public SipTimers(Duration t1, Duration t2, Duration t4) {
        this(t1, t2, t4, t1.multipliedBy(64));
    }

    public SipTimers {
        if (t1.isZero() || t1.isNegative() || t2.compareTo(t1) < 0 || t4.isNegative() || linger.isNegative()) {
            throw new IllegalArgumentException("timers need 0 < T1 <= T2, T4 >= 0 and linger >= 0");
        }
    }

    long lingerMillis() {
        return linger.toMillis();
    }

    long t1Millis() {
        return t1.toMillis();
    }

    long t2Millis() {
        return t2.toMillis();
    }

    /** Timers B and F: how long a client transaction waits for a (final) response, 64·T1. */
    long transactionTimeoutMillis() {
        return 64 * t1.toMillis();
    }

    /** Timer D: how long an INVITE client transaction absorbs retransmitted final responses; 0 over a stream. */
    long timerDMillis(boolean reliable) {
        return reliable ? 0 : Math.max(32_000, 64 * t1.toMillis());
    }

    /** Timer K: how long a non-INVITE client transaction absorbs retransmitted responses; 0 over a stream. */
    long timerKMillis(boolean reliable) {
        return reliable ? 0 : t4.toMillis();
    }
}
