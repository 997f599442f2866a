package io.sipdispatch.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Limits against abuse.
 *
 * @param denyUserAgents requests whose User-Agent contains one of these (case-insensitive) are dropped
 *                       unanswered, as scanners should be (default: the common SIP scanners)
 * @param perSource      Kamailio's {@code pike}: requests one source address may send per window; absent = no
 *                       limit
 * @param overload       when new calls are refused because more arrives than the server can handle
 */
public record LimitSettings(List<String> denyUserAgents, PerSource perSource, Overload overload) {
    /** The scanners that knock on every SIP server: sipvicious ("friendly-scanner"), sipcli, VaxSIPUserAgent… */
    public static final List<String> SCANNERS = List.of("friendly-scanner", "sipvicious", "sipcli", "sip-scan",
        "vaxsipuseragent", "sipsak");
    public static final LimitSettings DEFAULT = new LimitSettings(null, null, null);

    public LimitSettings {
        denyUserAgents = (denyUserAgents == null ? SCANNERS : denyUserAgents).stream()
            .map(s -> s.toLowerCase(Locale.ROOT)).toList();
        overload = overload == null ? Overload.DEFAULT : overload;
    }

    /**
     * Overload shedding. While the reads of a UDP socket have stayed behind its arrivals for {@code shedAfter}
     * (its queue never emptied) and its kernel receive queue holds at least {@code queueFill} percent of the
     * receive buffer, every new request out of a dialog read from it is answered {@code 503} with
     * {@code Retry-After}, until the reads catch up; requests within dialogs, ACK, CANCEL and responses go
     * on. Reads behind with a queue that has room are a pause (a collection, a burst) being caught up, not
     * overload. Where the queue cannot be seen (not Linux), reads behind alone decide.
     *
     * @param shedAfter  how long the reads may stay behind before new requests are refused (default 0s: never
     *                   refuse, let the kernel drop what does not fit; 20ms is a starting point)
     * @param queueFill  how full, in percent of the receive buffer, the queue must be (default 50)
     * @param retryAfter the Retry-After of those 503s (default 5s)
     */
    public record Overload(Duration shedAfter, Integer queueFill, Duration retryAfter) {
        public static final Overload DEFAULT = new Overload(null, null, null);

        public Overload {
            // Off unless asked for: at high load the signal also fires on pauses the kernel queue would
            // have absorbed, and refuses calls the server could have completed.
            shedAfter = shedAfter == null ? Duration.ZERO : shedAfter;
            queueFill = queueFill == null ? 50 : queueFill;
            retryAfter = retryAfter == null ? Duration.ofSeconds(5) : retryAfter;
            if (shedAfter.isNegative() || retryAfter.isNegative()) {
                throw new IllegalArgumentException("limits.overload: shed_after and retry_after must not be negative");
            }
            if (queueFill < 0 || queueFill > 100) {
                throw new IllegalArgumentException("limits.overload.queue_fill is a percentage, 0 to 100");
            }
        }
    }

    /**
     * @param requests how many requests one address may send per {@code window}
     * @param window   the window (default 1s)
     * @param blockFor how long an address over the limit has every request dropped (default 60s)
     */
    public record PerSource(Integer requests, Duration window, Duration blockFor) {
        public PerSource {
            if (requests == null || requests < 1) {
                throw new IllegalArgumentException("limits.per_source.requests must be 1 or more");
            }
            window = window == null ? Duration.ofSeconds(1) : window;
            blockFor = blockFor == null ? Duration.ofSeconds(60) : blockFor;
            if (window.toMillis() < 10 || blockFor.isNegative()) {
                throw new IllegalArgumentException("limits.per_source: window at least 10ms, block_for not negative");
            }
        }
    }
}
