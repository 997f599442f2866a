package io.sipdispatch.dispatcher;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A destination at run time: its provisioned {@link DestinationRecord} and its runtime state (state bits,
 * active calls, latency, overload control). The runtime state is the only mutable part and is shared by
 * every dispatch table that holds this destination, so a reload that keeps the destination keeps its
 * health and its counters (see {@link DispatchTable#build}).
 */
public final class Destination {
    private final DestinationRecord record;
    private final int weight;
    private final int rweight;
    private final int maxload;
    private final long identityHash;
    private final RuntimeState rt;

    /** Everything that changes while the destination is in use; shared across reloads. */
    private static final class RuntimeState {
        final AtomicInteger state;
        final AtomicInteger activeCalls = new AtomicInteger();
        volatile long latencyMicros;
        final AtomicReference<Overload> overload = new AtomicReference<>(Overload.NONE);
        final AtomicInteger overloadChecks = new AtomicInteger();
        /** Consecutive failures while trying, counted against the probing threshold. */
        final AtomicInteger failures = new AtomicInteger();
        /** Consecutive answered keepalives while inactive, counted against the recovery threshold. */
        final AtomicInteger successes = new AtomicInteger();
        /** A 503's Retry-After: out of selection until this System.nanoTime instant; 0 when not suspended. */
        volatile long suspendedUntil;
        final LatencyStats latency = new LatencyStats();

        RuntimeState(int state) {
            this.state = new AtomicInteger(state);
        }
    }

    /** An overload control rate in force until {@code untilNanos} (System.nanoTime), with its sequence number. */
    private record Overload(int rate, long untilNanos, long seq) {
        static final Overload NONE = new Overload(0, 0, Long.MIN_VALUE);
    }

    public Destination(DestinationRecord record) {
        this(record, null);
    }

    /** A destination for {@code record} that shares the runtime state of {@code previous} (when not null). */
    Destination(DestinationRecord record, Destination previous) {
        this.record = record;
        this.weight = record.attrs().weight(1);
        this.rweight = record.attrs().rweight(0);
        this.maxload = record.attrs().maxload();
        this.identityHash = Hashing.hash64(record.identity());
        this.rt = previous == null ? new RuntimeState(record.state()) : previous.rt;
    }

    public DestinationRecord record() {
        return record;
    }

    public String uri() {
        return record.uri();
    }

    public int priority() {
        return record.priority();
    }

    /** The {@code weight} attribute (1 when absent); 0 means "never chosen by a weighted algorithm". */
    public int weight() {
        return weight;
    }

    /** The {@code rweight} attribute (0 when absent: never chosen by relative-weight). */
    public int rweight() {
        return rweight;
    }

    /** The {@code maxload} attribute: active calls allowed by call-load, 0 for no limit. */
    public int maxload() {
        return maxload;
    }

    /** Stable across reloads: see {@link DestinationRecord#identity()}. */
    public String identity() {
        return record.identity();
    }

    /** {@link #identity()} hashed once, for the rendezvous score of every request. */
    long identityHash() {
        return identityHash;
    }

    /** The current state bits, see {@link DestinationFlags}. */
    public int state() {
        return rt.state.get();
    }

    /** Whether selection may pick it: neither inactive nor disabled, nor suspended by a Retry-After. */
    public boolean selectable() {
        if (DestinationFlags.skipped(rt.state.get())) {
            return false;
        }
        long until = rt.suspendedUntil;
        return until == 0 || System.nanoTime() - until >= 0;
    }

    /**
     * Takes the destination out of selection until {@code untilNanos} (a {@link System#nanoTime()} instant),
     * as a {@code 503} with {@code Retry-After} asks (RFC 3261 §21.5.4). A later suspension wins over an
     * earlier one; the state bits are untouched, so it comes back by itself.
     */
    public void suspendUntil(long untilNanos) {
        long cur = rt.suspendedUntil;
        if (cur == 0 || untilNanos - cur > 0) {
            rt.suspendedUntil = untilNanos == 0 ? 1 : untilNanos;
        }
    }

    /** Whether a Retry-After suspension is in force at {@code nowNanos}. */
    public boolean suspended(long nowNanos) {
        long until = rt.suspendedUntil;
        return until != 0 && nowNanos - until < 0;
    }

    /**
     * Records a failed request (Kamailio's {@code ds_mark_dst}): {@code flags} are the bits to set. With
     * {@link DestinationFlags#TRYING} the failures are counted, and the destination turns
     * {@link DestinationFlags#INACTIVE} at the {@code probingThreshold}-th in a row ({@code ds_probing_threshold});
     * with {@link DestinationFlags#INACTIVE} it turns inactive at once. {@link DestinationFlags#PROBING} is
     * kept as given. Returns the new state.
     */
    public int markFailed(int flags, int probingThreshold) {
        rt.successes.set(0);
        if ((flags & DestinationFlags.TRYING) != 0 && (flags & DestinationFlags.INACTIVE) == 0) {
            int n = rt.failures.incrementAndGet();
            if (n >= Math.max(1, probingThreshold)) {
                rt.failures.set(0);
                return updateState(DestinationFlags.INACTIVE | (flags & DestinationFlags.PROBING), DestinationFlags.TRYING);
            }
            return updateState(flags, 0);
        }
        if ((flags & DestinationFlags.INACTIVE) != 0) {
            rt.failures.set(0);
        }
        return updateState(flags, 0);
    }

    /**
     * Records an answered request: the count of failures in a row starts again and a trying destination is
     * active again (an inactive one comes back only by probing or by the operator).
     */
    public void markAnswered() {
        if (rt.failures.get() != 0) {
            rt.failures.set(0);
        }
        if ((rt.state.get() & DestinationFlags.TRYING) != 0) {
            updateState(0, DestinationFlags.TRYING);
        }
    }

    /**
     * A keepalive was answered with an accepted reply (Kamailio's {@code ds_options_callback}): a trying
     * destination is active again at once; an inactive one at the {@code recoveryThreshold}-th answer in a row
     * ({@code ds_inactive_threshold}). {@code keepProbing} says whether the probing bit stays (probing modes 1
     * and 3) or is cleared (0 and 2). A disabled destination stays disabled. Returns the new state.
     */
    public int probeAnswered(int recoveryThreshold, boolean keepProbing) {
        rt.failures.set(0);
        int s = rt.state.get();
        if ((s & DestinationFlags.INACTIVE) != 0 && rt.successes.incrementAndGet() < Math.max(1, recoveryThreshold)) {
            return s;
        }
        rt.successes.set(0);
        int clear = DestinationFlags.INACTIVE | DestinationFlags.TRYING | (keepProbing ? 0 : DestinationFlags.PROBING);
        return updateState(keepProbing ? DestinationFlags.PROBING : 0, clear);
    }


    /** Sets and clears state bits atomically; returns the new state. */
    public int updateState(int set, int clear) {
        return rt.state.updateAndGet(s -> (s & ~clear) | set);
    }

    /** The calls in progress through this destination, as counted for call-load (Kamailio algorithm 10). */
    public int activeCalls() {
        return rt.activeCalls.get();
    }

    /** One more call in progress (an INVITE was sent here); returns the new count. */
    public int incrementActiveCalls() {
        return rt.activeCalls.incrementAndGet();
    }

    /**
     * One call fewer (it ended or failed); returns the new count. Never below zero, as in Kamailio: a call
     * counted by a table before a restart may end after it.
     */
    public int decrementActiveCalls() {
        return rt.activeCalls.updateAndGet(c -> c > 0 ? c - 1 : 0);
    }

    /** The estimated latency in microseconds, for the latency algorithm (Kamailio 13); 0 when unknown. */
    public long latencyMicros() {
        return rt.latencyMicros;
    }

    /** The keepalives' round-trip figures; shared across reloads like the rest of the runtime state. */
    public LatencyStats latencyStats() {
        return rt.latency;
    }

    /**
     * One answered probe's round trip: recorded, and the estimate algorithm 13 reads moved by the EWMA with
     * weight {@code alpha} for the past.
     */
    public void recordLatency(long micros, double alpha) {
        rt.latencyMicros = rt.latency.record(micros, alpha);
    }

    /** Sets the latency estimate (the prober's moving average); 0 means unknown. */
    public void setLatencyMicros(long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("negative latency " + micros);
        }
        rt.latencyMicros = micros;
    }

    /**
     * Sets the overload control of round-robin-overload (Kamailio 64, its {@code ds_oc_set_attrs}, RFC 7339):
     * skip this destination {@code ratePercent} times in 100 selections until {@code untilNanos} (a
     * {@link System#nanoTime()} instant). Like Kamailio, an update whose {@code seq} is not greater than the
     * last one applied is ignored (it arrived late); returns whether it was applied. The rate is clamped to
     * 0..100.
     */
    public boolean setOverloadControl(int ratePercent, long untilNanos, long seq) {
        Overload next = new Overload(Math.max(0, Math.min(100, ratePercent)), untilNanos, seq);
        while (true) {
            Overload cur = rt.overload.get();
            if (cur.seq >= seq) {
                return false;
            }
            if (rt.overload.compareAndSet(cur, next)) {
                rt.overloadChecks.set(0);
                return true;
            }
        }
    }

    /** The overload control rate in force at {@code nowNanos}: 0 when none is, or it has expired. */
    public int overloadRate(long nowNanos) {
        Overload o = rt.overload.get();
        return o.rate > 0 && nowNanos - o.untilNanos < 0 ? o.rate : 0;
    }

    /**
     * Whether round-robin-overload skips this destination for this selection. Exactly {@code rate} of every
     * 100 consecutive checks skip, spread evenly (rate 25: every fourth), where Kamailio shuffles a
     * 100-slot table once per rate update; each call counts as one check.
     */
    boolean overloadSkip(long nowNanos) {
        int rate = overloadRate(nowNanos);
        if (rate == 0) {
            return false;
        }
        int k = Math.floorMod(rt.overloadChecks.getAndIncrement(), 100);
        return (k + 1) * rate / 100 > k * rate / 100;
    }

    @Override
    public String toString() {
        return record.uri() + " " + DestinationFlags.code(rt.state.get());
    }
}
