package io.sipdispatch.dispatcher;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

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
    private final String weightUrl;
    private final Map<String, Integer> resources;
    private final String identity;
    /** Whether its attributes name the local socket to send from ({@code socket} or {@code sockname}). */
    private final boolean namesSocket;
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
        /** The slow start in progress after a comeback; null when none is. */
        final AtomicReference<Ramp> ramp = new AtomicReference<>();
        /** Requests sent to it: a LongAdder, since every event loop counts into it. */
        final LongAdder selections = new LongAdder();
        /** The last load the destination reported, null before any; and the calls sent to it since. */
        final AtomicReference<LoadReport> load = new AtomicReference<>();
        final AtomicInteger sentSinceReport = new AtomicInteger();
        /** The most a FreeSWITCH weight can be (max_freeswitch_weight); set by whoever feeds its load. */
        volatile int weightCap = DEFAULT_WEIGHT_CAP;
        /** Calls counted against each declared resource. */
        final Map<String, AtomicInteger> resourceUse = new ConcurrentHashMap<>();

        RuntimeState(int state) {
            this.state = new AtomicInteger(state);
        }
    }

    /** A slow start: the share of first attempts rises linearly from 0 at {@code start} to all at {@code end}. */
    private record Ramp(long start, long end) {
    }

    /** An overload control rate in force until {@code untilNanos} (System.nanoTime), with its sequence number. */
    private record Overload(int rate, long untilNanos, long seq) {
        static final Overload NONE = new Overload(0, 0, Long.MIN_VALUE);
    }

    /** OpenSIPS's default max_freeswitch_weight. */
    public static final int DEFAULT_WEIGHT_CAP = 100;

    public Destination(DestinationRecord record) {
        this(record, null);
    }

    /** A destination for {@code record} that shares the runtime state of {@code previous} (when not null). */
    Destination(DestinationRecord record, Destination previous) {
        this.record = record;
        this.weight = record.attrs().weight(1);
        this.rweight = record.attrs().rweight(0);
        this.maxload = record.attrs().maxload();
        this.weightUrl = record.attrs().weightUrl();
        this.resources = record.attrs().resources();
        this.identity = record.identity();
        this.namesSocket = record.attrs().socket() != null || record.attrs().sockname() != null;
        this.identityHash = Hashing.hash64(identity);
        this.rt = previous == null ? new RuntimeState(record.state()) : previous.rt;
        int latency = record.attrs().latencyMillis();
        if (latency > 0) {
            // At start, and at a reload for a destination nothing has measured yet: the attribute's figure.
            rt.latencyMicros = rt.latency.seed(latency * 1000L);
        }
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
        return identity;
    }

    /** {@link #identity()} hashed once, for the rendezvous score of every request. */
    long identityHash() {
        return identityHash;
    }

    /** The current state bits, see {@link DestinationFlags}. */
    public int state() {
        return rt.state.get();
    }

    /** The state bits read as admin state, health and probing. */
    public DestinationState view() {
        return DestinationState.of(rt.state.get());
    }

    /**
     * The operator's decision (enable, drain, disable), leaving the health bits as they are: a destination
     * disabled while inactive is still inactive when enabled again, until a keepalive says otherwise. Returns
     * the new state bits.
     */
    public int setAdmin(DestinationState.Admin admin) {
        int set = switch (admin) {
            case ENABLED -> 0;
            case DRAINING -> DestinationFlags.DRAINING;
            case DISABLED -> DestinationFlags.DISABLED;
        };
        return updateState(set, DestinationFlags.DISABLED | DestinationFlags.DRAINING);
    }

    /** Whether selection may pick it: neither inactive nor disabled nor draining, nor suspended by a Retry-After. */
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
            if ((rt.state.get() & DestinationFlags.INACTIVE) != 0) {
                // Already down: another failure is no news. Counting it would set trying beside inactive, a
                // change of bits that means nothing and would be reported as a state change every other probe.
                rt.failures.set(0);
                return updateState(flags & DestinationFlags.PROBING, 0);
            }
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


    /**
     * Starts a slow start at {@code startNanos} (a {@link System#nanoTime()} instant) lasting {@code durationNanos}:
     * a destination that just came back gets a share of first attempts rising from none to its full share, so
     * that a box that has just restarted is not hit by its whole load at once. 0 or less cancels any.
     */
    public void startSlowStart(long startNanos, long durationNanos) {
        rt.ramp.set(durationNanos > 0 ? new Ramp(startNanos, startNanos + durationNanos) : null);
    }

    /**
     * The fraction of its full share this destination takes at {@code nowNanos}: 1 outside a slow start, else
     * the time elapsed over the slow start's length.
     */
    public double share(long nowNanos) {
        Ramp r = rt.ramp.get();
        if (r == null) {
            return 1;
        }
        if (nowNanos - r.end >= 0) {
            // Over: later selections skip the clock read. Only this ramp is cleared, never a newer one that
            // another thread has just started.
            rt.ramp.compareAndSet(r, null);
            return 1;
        }
        return Math.max(0, (double) (nowNanos - r.start) / (r.end - r.start));
    }

    /** Whether a slow start may be in progress (cheap: no clock read). */
    boolean rampingUp() {
        return rt.ramp.get() != null;
    }

    /** Sets and clears state bits atomically; returns the new state. */
    public int updateState(int set, int clear) {
        return rt.state.updateAndGet(s -> (s & ~clear) | set);
    }

    /** The calls in progress through this destination, as counted for call-load (Kamailio algorithm 10). */
    public int activeCalls() {
        return rt.activeCalls.get();
    }

    /**
     * One more call in progress if the {@code maxload} allows it (always without one); false, and no change,
     * when the destination is full. Atomic, so that the last slot goes to one call only.
     */
    public boolean tryAddCall() {
        while (true) {
            int c = rt.activeCalls.get();
            if (maxload > 0 && c >= maxload) {
                return false;
            }
            if (rt.activeCalls.compareAndSet(c, c + 1)) {
                return true;
            }
        }
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

    /**
     * Sets the overload control as {@link #setOverloadControl(int, long, long)} does, for an update that
     * carries no sequence number: applied as it comes, keeping the last sequence number seen.
     */
    public void setOverloadControl(int ratePercent, long untilNanos) {
        int rate = Math.max(0, Math.min(100, ratePercent));
        rt.overload.updateAndGet(cur -> new Overload(rate, untilNanos, cur.seq));
        rt.overloadChecks.set(0);
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

    /** Whether its {@code socket} or {@code sockname} attribute chooses the local socket (a field read). */
    // ---- load feedback ----------------------------------------------------------------------------

    /** The FreeSWITCH event socket that reports this destination's load, or null when its weight is static. */
    public String weightUrl() {
        return weightUrl;
    }

    /** A new load report: the calls counted since the last one are in it now. Null forgets the report. */
    public void reportLoad(LoadReport report) {
        rt.load.set(report);
        rt.sentSinceReport.set(0);
    }

    /** The last load reported, or null. */
    public LoadReport loadReport() {
        return rt.load.get();
    }

    /**
     * A call was sent here: until the next report it counts as a session the report did not have. Without a
     * report there is nothing to correct, and every event loop's INVITEs are spared a shared counter.
     */
    public void callSent() {
        if (rt.load.get() != null) {
            rt.sentSinceReport.incrementAndGet();
        }
    }

    /** Calls sent here since the last load report. */
    public int callsSinceReport() {
        return rt.sentSinceReport.get();
    }

    /** The predicted free share, 0 to 1 (see {@link LoadReport#free}); NaN before any report. */
    public double freeShare() {
        LoadReport r = rt.load.get();
        return r == null ? Double.NaN : r.free(rt.sentSinceReport.get());
    }

    /** Sets max_freeswitch_weight for this destination. */
    public void setWeightCap(int cap) {
        rt.weightCap = Math.max(0, cap);
    }

    public int weightCap() {
        return rt.weightCap;
    }

    /**
     * The weight the weighted algorithms use now: the static {@code weight}; for a FreeSWITCH destination
     * the cap times its predicted free share, and the cap itself until its box has reported.
     */
    public int currentWeight() {
        if (weightUrl == null) {
            return weight;
        }
        int cap = rt.weightCap;
        double free = freeShare();
        return Double.isNaN(free) ? cap : (int) Math.round(cap * free);
    }

    /** The declared capacity of each resource (the {@code resources} attribute); empty when none. */
    public Map<String, Integer> resources() {
        return resources;
    }

    /** The calls counted against {@code resource}. */
    public int resourceUsed(String resource) {
        AtomicInteger n = rt.resourceUse.get(resource);
        return n == null ? 0 : n.get();
    }

    /** The smallest free slot over {@code wanted}: capacity less use; -1 when one of them is not offered. */
    public int freeSlot(String[] wanted) {
        int min = Integer.MAX_VALUE;
        for (String r : wanted) {
            Integer cap = resources.get(r);
            if (cap == null) {
                return -1;
            }
            min = Math.min(min, cap - resourceUsed(r));
        }
        return wanted.length == 0 ? -1 : min;
    }

    /**
     * Counts a call against every resource in {@code wanted} if each has a free slot; false, and no change,
     * when one is full. Each slot is taken atomically, so two loops cannot both have the last one.
     */
    public boolean takeResources(String[] wanted) {
        for (int i = 0; i < wanted.length; i++) {
            Integer cap = resources.get(wanted[i]);
            AtomicInteger n = rt.resourceUse.computeIfAbsent(wanted[i], k -> new AtomicInteger());
            boolean got = cap != null;
            while (got) {
                int c = n.get();
                if (c >= cap) {
                    got = false;
                } else if (n.compareAndSet(c, c + 1)) {
                    break;
                }
            }
            if (!got) {
                for (int j = 0; j < i; j++) {
                    rt.resourceUse.get(wanted[j]).decrementAndGet();
                }
                return false;
            }
        }
        return true;
    }

    /** Gives back what {@link #takeResources} took. */
    public void giveBackResources(String[] wanted) {
        for (String r : wanted) {
            AtomicInteger n = rt.resourceUse.get(r);
            if (n != null) {
                n.updateAndGet(c -> Math.max(0, c - 1));
            }
        }
    }

    public boolean namesSocket() {
        return namesSocket;
    }

    /** Whether {@code other} is this destination across a reload: the same runtime state (health, calls …). */
    public boolean sharesStateWith(Destination other) {
        return other.rt == rt;
    }

    /** Counts one request sent to it (a first attempt or a failover), for its share of the traffic. */
    public void countSelection() {
        rt.selections.increment();
    }

    /** Requests sent to it since start, over reloads. */
    public long selections() {
        return rt.selections.sum();
    }

    @Override
    public String toString() {
        return record.uri() + " " + DestinationFlags.code(rt.state.get());
    }
}
