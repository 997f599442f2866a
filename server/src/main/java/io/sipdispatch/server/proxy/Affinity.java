package io.sipdispatch.server.proxy;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The stateless proxy's memory of where it sent each request, so that the request's retransmissions, its
 * CANCEL and the ACK of its non-2xx final response go to the same place whatever the algorithm (a
 * round-robin CANCEL that lands on another gateway cancels nothing). Keyed by the transaction hash of
 * {@link Branches}, kept for 64·T1, bounded: a direct-mapped table of fixed size, lock-free, where a newer
 * entry may push out an older one with the same slot (counted as an eviction, found later as a miss).
 */
final class Affinity {
    private record Entry(long key, long expiresAt, Forwarding forwarding) {
    }

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;
    private final long ttlNanos;
    final LongAdder evictions;

    Affinity(int capacity, long ttlNanos) {
        this(capacity, ttlNanos, new LongAdder());
    }

    Affinity(int capacity, long ttlNanos, LongAdder evictions) {
        this.evictions = evictions;
        int size = Integer.highestOneBit(Math.max(1024, capacity - 1)) << 1;
        this.slots = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
        this.ttlNanos = ttlNanos;
    }

    void remember(long key, Forwarding f, long now) {
        int i = (int) key & mask;
        Entry old = slots.get(i);
        if (old != null && old.key != key && old.expiresAt - now > 0) {
            evictions.increment();
        }
        slots.lazySet(i, new Entry(key, now + ttlNanos, f));
    }

    /** Where the request with transaction hash {@code key} went, or null. */
    Forwarding recall(long key, long now) {
        Entry e = slots.get((int) key & mask);
        return e != null && e.key == key && e.expiresAt - now > 0 ? e.forwarding : null;
    }

    int capacity() {
        return mask + 1;
    }
}
