package io.sipdispatch.server.proxy;

import java.util.PriorityQueue;

/** A {@link TransactionScheduler} on virtual time: timers fire when the test advances the clock. */
final class VirtualClock implements TransactionScheduler {
    private final class Task implements Timer, Comparable<Task> {
        final long at;
        final long seq;
        final Runnable run;
        boolean cancelled;

        Task(long at, long seq, Runnable run) {
            this.at = at;
            this.seq = seq;
            this.run = run;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Task o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long seq;

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        Task t = new Task(now + delayMillis, seq++, task);
        queue.add(t);
        return t;
    }

    long now() {
        return now;
    }

    /** Runs every timer due up to {@code now + millis}, in order, and moves the clock there. */
    void advance(long millis) {
        long until = now + millis;
        while (!queue.isEmpty() && queue.peek().at <= until) {
            Task t = queue.poll();
            now = t.at;
            if (!t.cancelled) {
                t.run.run();
            }
        }
        now = until;
    }

    /** Timers still waiting to fire. */
    long pending() {
        return queue.stream().filter(t -> !t.cancelled).count();
    }
}
