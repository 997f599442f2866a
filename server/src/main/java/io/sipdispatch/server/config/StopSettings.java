package io.sipdispatch.server.config;

import java.time.Duration;

/**
 * What SIGTERM does: new requests out of a dialog are answered {@code 503} with {@code Retry-After}, while the
 * transactions under way are given up to {@code grace} to get their final answers; then the server exits.
 *
 * @param grace      the longest the stop waits for transactions under way (default 10s; 0 stops at once)
 * @param retryAfter the {@code Retry-After} told to new requests meanwhile (default 30s)
 */
public record StopSettings(Duration grace, Duration retryAfter) {
    public static final StopSettings DEFAULT = new StopSettings(null, null);

    public StopSettings {
        grace = grace == null ? Duration.ofSeconds(10) : grace;
        retryAfter = retryAfter == null ? Duration.ofSeconds(30) : retryAfter;
        if (grace.isNegative() || retryAfter.isNegative()) {
            throw new IllegalArgumentException("stop.grace and stop.retry_after must not be negative");
        }
    }
}
