package io.sipdispatch.dispatcher;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A destination at run time: its provisioned {@link DestinationRecord} and its current state bits. The
 * state is the only mutable part and is shared by every dispatch table that holds this destination, so
 * a reload that keeps the destination keeps its health.
 */
public final class Destination {
    private final DestinationRecord record;
    private final int weight;
    private final long identityHash;
    private final AtomicInteger state;

    public Destination(DestinationRecord record) {
        this.record = record;
        this.weight = record.attrs().weight(1);
        this.identityHash = Hashing.hash64(record.identity());
        this.state = new AtomicInteger(record.state());
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
        return state.get();
    }

    /** Whether selection may pick it: neither inactive nor disabled. */
    public boolean selectable() {
        return !DestinationFlags.skipped(state.get());
    }

    /** Sets and clears state bits atomically; returns the new state. */
    public int updateState(int set, int clear) {
        return state.updateAndGet(s -> (s & ~clear) | set);
    }

    @Override
    public String toString() {
        return record.uri() + " " + DestinationFlags.code(state.get());
    }
}
