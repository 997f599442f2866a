package io.sipdispatch.server.config;

import java.time.Duration;

/**
 * The transaction layer of the stateful mode (RFC 3261 §17).
 *
 * @param max       the most transactions held at once, lingering ones included; a new request beyond it is
 *                  answered 503 with Retry-After (default 200000)
 * @param t1        RFC 3261 T1, the round-trip estimate (500 ms)
 * @param t2        T2, the longest retransmit interval (4 s)
 * @param t4        T4, the longest a message stays in the network (5 s)
 * @param waitTimer how long a transaction that has sent its final response stays to absorb retransmissions
 *                  (Kamailio's {@code wt_timer}, 5 s); used where RFC 3261 and RFC 6026 name 64·T1 for
 *                  Timers J and L, so that the table stays small under load
 */
public record TransactionSettings(Integer max, Duration t1, Duration t2, Duration t4, Duration waitTimer) {
    public static final TransactionSettings DEFAULT = new TransactionSettings(null, null, null, null, null);

    public TransactionSettings {
        max = max == null ? 200_000 : max;
        if (max < 16) {
            throw new IllegalArgumentException("transactions.max must be at least 16");
        }
        t1 = t1 == null ? Duration.ofMillis(500) : t1;
        t2 = t2 == null ? Duration.ofSeconds(4) : t2;
        t4 = t4 == null ? Duration.ofSeconds(5) : t4;
        waitTimer = waitTimer == null ? Duration.ofSeconds(5) : waitTimer;
        if (t1.isZero() || t1.isNegative() || t2.compareTo(t1) < 0 || t4.isNegative() || waitTimer.isNegative()) {
            throw new IllegalArgumentException("transaction timers need 0 < t1 <= t2, t4 >= 0 and wait_timer >= 0");
        }
    }
}
