package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.Destination;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The calls counted against their destination for call-load dispatching (Kamailio algorithm 10 and its
 * {@code ds_hash} table of Call-IDs): a call counts from the moment its INVITE is dispatched, is confirmed by
 * a 2xx, and is released by a failure of its branch, a CANCEL's 487, its BYE, or, for calls that never end,
 * by expiry ({@code ds_hash_initexpire} before the 2xx, {@code ds_hash_expire} after). Each count is taken
 * and given back exactly once, whoever sees the end first, because the entry is removed atomically; the
 * destination's counter therefore can neither drift nor go negative. Entries live in one concurrent map,
 * bounded by {@code max}; a call beyond it is not counted.
 */
final class CallLoads {
    /** One counted call. */
    private record Entry(Destination destination, String[] resources, boolean confirmed, long expiresNanos) {
        /** Gives the count back: the call, or its resources. */
        void giveBack() {
            if (resources == null) {
                destination.decrementActiveCalls();
            } else {
                destination.giveBackResources(resources);
            }
        }
    }

    private final Map<String, Entry> byCallId = new ConcurrentHashMap<>();
    private final long initExpireNanos;
    private final long expireNanos;
    private final int max;
    final LongAdder notCounted = new LongAdder();

    CallLoads(long initExpireNanos, long expireNanos, int max) {
        this.initExpireNanos = initExpireNanos;
        this.expireNanos = expireNanos;
        this.max = max;
    }

    /**
     * The INVITE of {@code callId} is about to go to {@code d}: one more call there, unless it is counted
     * already. False when {@code d} is at its {@code maxload}: the slot is taken atomically, so that two event
     * loops choosing the same destination at once cannot both have its last one, and the caller must move on.
     */
    boolean dispatched(String callId, Destination d, long nowNanos) {
        return dispatched(callId, d, null, nowNanos);
    }

    /** As {@link #dispatched(String, Destination, long)}, counting the call against {@code resources} (when not null). */
    boolean dispatched(String callId, Destination d, String[] resources, long nowNanos) {
        if (byCallId.size() >= max) {
            notCounted.increment();
            return true;
        }
        Entry counted = byCallId.get(callId);
        if (counted != null) {
            return true;
        }
        if (resources == null ? !d.tryAddCall() : !d.takeResources(resources)) {
            return false;
        }
        Entry e = new Entry(d, resources, false, nowNanos + initExpireNanos);
        if (byCallId.putIfAbsent(callId, e) != null) {
            e.giveBack(); // counted meanwhile by another request of the same call
        }
        return true;
    }

    /** A 2xx came from {@code d}: the call is up and lives until its BYE, or the longer expiry. */
    void confirmed(String callId, Destination d, long nowNanos) {
        byCallId.computeIfPresent(callId, (k, e) -> e.destination() == d ? new Entry(d, e.resources(), true, nowNanos + expireNanos) : e);
    }

    /** The call's branch to {@code d} failed, or was cancelled: the count goes back, once. */
    void released(String callId, Destination d) {
        Entry e = byCallId.get(callId);
        if (e != null && e.destination() == d && byCallId.remove(callId, e)) {
            e.giveBack();
        }
    }

    /** The call's BYE: the count goes back, once, wherever the call went. */
    void ended(String callId) {
        Entry e = byCallId.remove(callId);
        if (e != null) {
            e.giveBack();
        }
    }

    /** Releases the calls whose time is up; returns how many. */
    int expire(long nowNanos) {
        int n = 0;
        for (Map.Entry<String, Entry> me : byCallId.entrySet()) {
            Entry e = me.getValue();
            if (nowNanos - e.expiresNanos() >= 0 && byCallId.remove(me.getKey(), e)) {
                e.giveBack();
                n++;
            }
        }
        return n;
    }

    /** Calls counted now. */
    int size() {
        return byCallId.size();
    }
}
