package io.sipdispatch.dispatcher;

/**
 * What the keepalives measured of a destination's round trip: count, average, standard deviation, maximum,
 * the EWMA estimate that algorithm 13 reads ({@code ds_latency_estimator_alpha}), and how many probes timed
 * out. The average, deviation and maximum are of measured round trips only; the estimate may start from a
 * configured figure ({@link #seed}). Updated by one thread at a time (the loop that owns the probe) under the object's lock; read by anyone.
 */
public final class LatencyStats {
    /** A consistent view of the figures, in microseconds. */
    public record Snapshot(long count, double averageMicros, double stdDevMicros, long maxMicros, long estimateMicros,
                           long timeouts) {
    }

    private long count;
    private double mean;
    private double m2;
    private long max;
    private long estimate;
    private long timeouts;
    private boolean seeded;

    /**
     * Starts the estimate at {@code micros} before anything is measured (the {@code latency} attribute), so
     * that the first measured round trips move it by the EWMA rather than replace it. Nothing once a round
     * trip has been measured. Returns the estimate.
     */
    public synchronized long seed(long micros) {
        if (count == 0 && micros > 0) {
            estimate = micros;
            seeded = true;
        }
        return estimate;
    }

    /**
     * One answered probe's round trip. {@code alpha} is the weight of the past in the estimate (0.9 for
     * Kamailio's default 900): estimate = alpha · estimate + (1 − alpha) · sample; the first sample is taken as is.
     * Returns the new estimate.
     */
    public synchronized long record(long micros, double alpha) {
        long x = Math.max(1, micros);
        count++;
        // Welford's running mean and variance: stable over millions of samples.
        double d = x - mean;
        mean += d / count;
        m2 += d * (x - mean);
        max = Math.max(max, x);
        estimate = count == 1 && !seeded ? x : Math.max(1, Math.round(alpha * estimate + (1 - alpha) * x));
        return estimate;
    }

    /** A probe that got no answer in time. */
    public synchronized void timeout() {
        timeouts++;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(count, mean, count > 1 ? Math.sqrt(m2 / (count - 1)) : 0, max, estimate, timeouts);
    }
}
