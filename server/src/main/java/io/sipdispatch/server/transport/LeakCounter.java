package io.sipdispatch.server.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Netty's leak detector, counting what it reports: a buffer garbage-collected without its release, the leak
 * that slowly eats a long-running server's direct memory. Netty only logs a leak; counted, it becomes a metric
 * ({@code sipdispatch_netty_leaks_total}) and something a test can fail on.
 *
 * <p>Netty builds its detectors with this class when the system property
 * {@code io.netty.customResourceLeakDetector} names it before the first buffer class loads: {@link #install()}
 * sets it at start. The detector samples one buffer in 128 by default; {@code -Dio.netty.leakDetection.level=
 * paranoid} tracks every buffer (the tests run so).
 */
public final class LeakCounter<T> extends ResourceLeakDetector<T> {
    private static final LongAdder LEAKS = new LongAdder();

    /** The constructor Netty's detector factory calls. */
    public LeakCounter(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    /** Netty's factory tries this constructor first and logs an error without it; {@code maxActive} is unused. */
    public LeakCounter(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    /** Makes Netty build its leak detectors with this class; call before any Netty buffer is made. */
    public static void install() {
        if (System.getProperty("io.netty.customResourceLeakDetector") == null) {
            System.setProperty("io.netty.customResourceLeakDetector", LeakCounter.class.getName());
        }
    }

    /** Leaks reported since start. */
    public static long count() {
        return LEAKS.sum();
    }

    @Override
    protected boolean needReport() {
        return true; // counted even when the log would drop the report
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.increment();
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.increment();
        super.reportUntracedLeak(resourceType);
    }

    /**
     * Has every leak so far reported, and returns {@link #count()}: a leak surfaces only after the collector
     * has found the buffer unreachable and a later buffer is tracked, so this collects twice, each time waiting
     * for a reference of its own to be enqueued (the reference handler enqueues a collection's references in
     * one pass, so once the second is in, every leaked buffer of the first is too), then makes and releases
     * enough buffers for the detector, sampling or not, to look at its queue. For a stop and for tests, not
     * for a message path.
     */
    public static long flush() throws InterruptedException {
        for (int round = 0; round < 2; round++) {
            ReferenceQueue<Object> queue = new ReferenceQueue<>();
            WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            Object enqueued = null;
            while (enqueued == null && System.nanoTime() - deadline < 0) {
                System.gc();
                enqueued = queue.remove(50);
            }
            sentinel.clear();
        }
        // Sampling tracks one buffer in samplingInterval, and only a tracked buffer makes the detector look.
        int makes = ResourceLeakDetector.getLevel() == Level.PARANOID ? 1 : 4 * 128;
        for (int i = 0; i < makes; i++) {
            ByteBufAllocator.DEFAULT.directBuffer(1).release();
            ByteBufAllocator.DEFAULT.heapBuffer(1).release();
        }
        return count();
    }
}
