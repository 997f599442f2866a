package io.sipdispatch.server.config;

/**
 * How destinations are watched.
 *
 * @param threshold failures in a row that turn a trying destination inactive ({@code ds_probing_threshold}, 1)
 */
public record ProbingSettings(Integer threshold) {
    public static final ProbingSettings DEFAULT = new ProbingSettings(null);

    public ProbingSettings {
        threshold = threshold == null ? 1 : threshold;
        if (threshold < 1) {
            throw new IllegalArgumentException("probing.threshold must be at least 1");
        }
    }
}
