package io.sipdispatch.server.config;

import java.net.URI;
import java.time.Duration;

/**
 * An HTTP receiver of destination events: each event is POSTed as JSON.
 *
 * @param url     {@code http://} or {@code https://} address
 * @param timeout per attempt (default 2 s)
 * @param retries further attempts after a failed one, 0.5 s apart doubling (default 3)
 * @param queue   events waiting for this receiver; beyond, new ones are dropped and counted (default 1000)
 */
public record WebhookSpec(String url, Duration timeout, Integer retries, Integer queue) {
    public WebhookSpec {
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException("a webhook needs an http:// or https:// url, not '" + url + "'");
        }
        URI.create(url);
        timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
        retries = retries == null ? 3 : retries;
        queue = queue == null ? 1000 : queue;
        if (timeout.isNegative() || timeout.isZero() || retries < 0 || queue < 1) {
            throw new IllegalArgumentException("webhook timeout must be positive, retries >= 0, queue >= 1");
        }
    }
}
