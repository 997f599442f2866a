package io.sipdispatch.server.transport;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A diagnostic: how late the event loops run what is due. A task is scheduled on every loop every
 * {@code period}; each run measures how far past its due time it started. Anything that holds a loop (a
 * long task, a lock, a GC pause) shows as lateness. Each second the worst lateness per loop is kept for the
 * metrics ({@code sipdispatch_event_loop_lag_seconds}). By default the period is 100 ms and nothing is
 * logged; the system property {@code sipdispatch.lag_probe} (e.g. {@code 1ms}) sets a finer period and logs
 * each second's figures, for benchmarks: a task per millisecond costs the loops something.
 */
public final class LoopLagProbe implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoopLagProbe.class);

    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private final AtomicLong[] window;
    /** Replaced whole each second, so that the metrics read one second's figures together. */
    private volatile long[] lastSecond;
    private final AtomicLong worst = new AtomicLong();
    private final boolean logs;

    LoopLagProbe(List<EventLoop> loops, long periodNanos) {
        this(loops, periodNanos, true);
    }

    LoopLagProbe(List<EventLoop> loops, long periodNanos, boolean logs) {
        this.logs = logs;
        lastSecond = new long[loops.size()];
        window = new AtomicLong[loops.size()];
        for (int i = 0; i < loops.size(); i++) {
            AtomicLong w = new AtomicLong();
            window[i] = w;
            long first = System.nanoTime() + periodNanos;
            long[] n = {0};
            tasks.add(loops.get(i).scheduleAtFixedRate(() -> {
                long due = first + n[0]++ * periodNanos;
                long late = System.nanoTime() - due;
                // The report on loop 0 resets the window: a plain compare-then-set could lose to it.
                w.accumulateAndGet(late, Math::max);
            }, periodNanos, periodNanos, TimeUnit.NANOSECONDS));
        }
        tasks.add(loops.get(0).scheduleAtFixedRate(this::report, 1, 1, TimeUnit.SECONDS));
    }

    /** The probe the system property asks for, or the quiet 100 ms one when it asks for none. */
    static LoopLagProbe start(List<EventLoop> loops) {
        String p = System.getProperty("sipdispatch.lag_probe");
        if (p == null || p.isBlank()) {
            return new LoopLagProbe(loops, TimeUnit.MILLISECONDS.toNanos(100), false);
        }
        long nanos = io.sipdispatch.server.config.Durations.parse(p.trim()).toNanos();
        log.info("event loop lag probe: a task every {} µs on each of {} loop(s)", nanos / 1000, loops.size());
        return new LoopLagProbe(loops, nanos);
    }

    private void report() {
        long max = 0;
        long[] second = new long[window.length];
        for (int i = 0; i < window.length; i++) {
            second[i] = window[i].getAndSet(0);
            max = Math.max(max, second[i]);
        }
        lastSecond = second;
        worst.accumulateAndGet(max, Math::max);
        if (!logs) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < second.length; i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%.3f", second[i] / 1e6));
        }
        log.info("event loop lag: worst {} ms in the last second (per loop: {}), worst since start {} ms",
            String.format("%.3f", max / 1e6), sb, String.format("%.3f", worst.get() / 1e6));
    }

    /** Per loop, the worst lateness of the last whole second, in nanoseconds (do not change the array). */
    public long[] lastSecondNanos() {
        return lastSecond;
    }

    /** The worst lateness seen in the reported seconds, in nanoseconds. */
    public long worstNanos() {
        return worst.get();
    }

    @Override
    public void close() {
        tasks.forEach(t -> t.cancel(false));
    }
}
