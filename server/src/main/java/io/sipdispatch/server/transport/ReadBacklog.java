package io.sipdispatch.server.transport;

/**
 * Whether a UDP socket's reads keep up with what arrives on it. The event loop reads a socket in batches of
 * at most {@code batch} datagrams; a batch that ends short has emptied the socket's kernel queue, a full one
 * has left datagrams waiting. Reads that stay behind for a while mean the loop is getting more than it can
 * handle: the kernel queue grows until it overflows and drops what it gets, ACKs, BYEs and responses as much
 * as new calls, and goodput collapses. Knowing it early lets the proxy refuse new calls cheaply instead.
 *
 * <p>Touched only by the loop that reads the socket, but for the fill, which {@link SocketQueues} sets.
 */
final class ReadBacklog {
    private final int batch;
    private int readInBatch;
    /** When the reads fell behind (the first full batch since the queue was last emptied); 0 when caught up. */
    private long behindSince;
    /** The share of its receive buffer the socket's kernel queue held at the last look; -1 while unknown. */
    private volatile float fill = -1;
    /**
     * Whether the queue held less at the last look than {@link #TREND_LOOKS} looks before: reads catching up
     * on what a pause left (a collector's, the scheduler's), not arrivals outgrowing the reads.
     */
    private volatile boolean shrinking;
    /** The looks a trend spans: at one look every 20 ms, 100 ms, longer than a pause and short against overload. */
    static final int TREND_LOOKS = 5;
    /** The last fills, oldest overwritten: written only by the thread that looks. */
    private final float[] looks = new float[TREND_LOOKS + 1];
    private int lookCount;

    ReadBacklog(int batch) {
        this.batch = batch;
    }

    void read() {
        readInBatch++;
    }

    /** The end of a read batch, at {@code now} (nanoseconds). */
    void batchEnded(long now) {
        if (readInBatch < batch) {
            behindSince = 0;
        } else if (behindSince == 0) {
            behindSince = now == 0 ? 1 : now;
        }
        readInBatch = 0;
    }

    /** A look at the kernel queue: it holds {@code share} of the receive buffer. */
    void fill(float share) {
        int at = lookCount % looks.length;
        looks[at] = share;
        lookCount++;
        // The oldest look kept is TREND_LOOKS before this one.
        shrinking = lookCount > TREND_LOOKS && share < looks[lookCount % looks.length];
        fill = share;
    }

    /** Whether the kernel queue is shrinking: held less at the last look than about 100 ms before. */
    boolean shrinking() {
        return shrinking;
    }

    /** The share of its receive buffer the kernel queue held when last looked at ({@link SocketQueues}); -1 if unknown. */
    float fill() {
        return fill;
    }

    /** How long, at {@code now}, the reads have been behind without once emptying the queue; 0 if they are not. */
    long behindFor(long now) {
        return behindSince == 0 ? 0 : Math.max(0, now - behindSince);
    }
}
