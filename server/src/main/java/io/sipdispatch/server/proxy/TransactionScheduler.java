package io.sipdispatch.server.proxy;

/**
 * Runs transaction timers. A transaction belongs to one event loop, and its timers run on that loop, so
 * a transaction's state is never touched by two threads. Tests drive a virtual clock instead.
 */
public interface TransactionScheduler {
    /** A scheduled timer. */
    interface Timer {
        void cancel();

        /** Cancels {@code t} when there is one. */
        static void cancel(Timer t) {
            if (t != null) {
                t.cancel();
            }
        }
    }

    /** Runs {@code task} after {@code delayMillis}, on the transaction's own thread. */
    Timer schedule(long delayMillis, Runnable task);
}
