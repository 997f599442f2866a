package io.sipdispatch.server.proxy;

import io.sipdispatch.server.config.LimitSettings;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Kamailio's {@code pike}: each source address may send so many requests per window; one that sends more has
 * every request dropped for {@code block_for}. One instance per event loop, touched by that loop only: a UDP
 * source always lands on the same loop, and a stream on the loop of its connection. The table is bounded:
 * when full, the windows that are over and unblocked are dropped first, then everything.
 */
final class SourceLimiter {
    static final int MAX_SOURCES = 1 << 16;

    private static final class Window {
        long start;
        int count;
        long blockedUntil;
    }

    private final int limit;
    private final long windowNanos;
    private final long blockNanos;
    private final Map<InetAddress, Window> sources = new HashMap<>();

    SourceLimiter(LimitSettings.PerSource s) {
        this.limit = s.requests();
        this.windowNanos = s.window().toNanos();
        this.blockNanos = s.blockFor().toNanos();
    }

    /** Whether a request from {@code source} at {@code now} (System.nanoTime) may go on. */
    boolean allow(InetAddress source, long now) {
        Window w = sources.get(source);
        if (w == null) {
            if (sources.size() >= MAX_SOURCES) {
                sources.values().removeIf(x -> now - x.start > windowNanos && now - x.blockedUntil >= 0);
                if (sources.size() >= MAX_SOURCES) {
                    sources.clear();
                }
            }
            w = new Window();
            w.start = now;
            w.blockedUntil = now;
            sources.put(source, w);
        }
        if (now - w.blockedUntil < 0) {
            return false;
        }
        if (now - w.start >= windowNanos) {
            w.start = now;
            w.count = 0;
        }
        if (++w.count > limit) {
            w.blockedUntil = now + blockNanos;
            return false;
        }
        return true;
    }

    int size() {
        return sources.size();
    }
}
