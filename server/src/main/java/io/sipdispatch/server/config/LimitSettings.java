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
 */
public record LimitSettings(List<String> denyUserAgents, PerSource perSource) {
    /** The scanners that knock on every SIP server: sipvicious ("friendly-scanner"), sipcli, VaxSIPUserAgent… */
    public static final List<String> SCANNERS = List.of("friendly-scanner", "sipvicious", "sipcli", "sip-scan",
        "vaxsipuseragent", "sipsak");
    public static final LimitSettings DEFAULT = new LimitSettings(null, null);

    public LimitSettings {
        denyUserAgents = (denyUserAgents == null ? SCANNERS : denyUserAgents).stream()
            .map(s -> s.toLowerCase(Locale.ROOT)).toList();
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
