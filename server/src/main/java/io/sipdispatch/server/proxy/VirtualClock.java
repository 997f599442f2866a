package io.sipdispatch.server.proxy;

import java.util.TreeSet;

/**
 * A {@link TransactionScheduler} on virtual time, for tests and benchmarks: timers fire when the caller moves
 * the clock, in order. A cancelled timer leaves the queue at once, as in the event loops' own scheduler, so
 * that the queue holds what a server's would. Single-threaded.
 */
public final class VirtualClock implements TransactionScheduler {
    private final class Task implements Timer, Comparable<Task> {
        final long at;
        final long seq;
        final Runnable run;

        Task(long at, long seq, Runnable run) {
            this.at = at;
            this.seq = seq;
            this.run = run;
        }

        @Override
        public void cancel() {
            queue.remove(this);
        }

        @Override
        public int compareTo(Task o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    private final TreeSet<Task> queue = new TreeSet<>();
    private long now;
    private long seq;

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        Task t = new Task(now + delayMillis, seq++, task);
        queue.add(t);
        return t;
    }

    /** Virtual milliseconds since the start. */
    public long now() {
        return now;
    }

    /** Runs every timer due up to {@code now + millis}, in order, and moves the clock there. */
    public void advance(long millis) {
        long until = now + millis;
        while (!queue.isEmpty() && queue.first().at <= until) {
            Task t = queue.pollFirst();
            now = t.at;
            t.run.run();
        }
        now = until;
    }

    /** Timers still waiting to fire. */
    public long pending() {
        return queue.size();
    }
}
