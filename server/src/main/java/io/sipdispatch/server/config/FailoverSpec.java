package io.sipdispatch.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The failover of a dispatch route, as the seed's {@code failure_route} does it with {@code t_set_fr},
 * {@code t_check_status}, {@code t_branch_timeout}, {@code ds_mark_dst} and {@code ds_next_dst}.
 *
 * @param noReplyTimeout  no response at all from the destination for this long is a timeout
 *                        ({@code t_set_fr(…, 2000)}'s second value, Kamailio {@code fr_timer}; default 32 s = Timer B)
 * @param ringingTimeout  a provisional response but no final one for this long is a timeout: the branch is
 *                        cancelled (Kamailio {@code fr_inv_timer}; default 120 s)
 * @param on              what fails over: {@code timeout}, {@code transport_error}, codes ({@code 500}) and
 *                        classes ({@code 5xx}); a class never covers 486, 487 and 603, which only count when
 *                        named (default: {@code timeout, transport_error, 500, 503})
 * @param mark            what a failure does to the destination: {@code inactive+probing} (default, Kamailio
 *                        {@code ds_mark_dst("ip")}), {@code inactive}, {@code trying+probing}, {@code trying},
 *                        {@code probing} or {@code none}; trying counts up to {@code dispatcher.probing.threshold}
 * @param maxAttempts     the most destinations tried for one request, the first included; 0 for every candidate
 */
public record FailoverSpec(Duration noReplyTimeout, Duration ringingTimeout, List<String> on, String mark,
                           Integer maxAttempts) {
    private static final List<String> DEFAULT_ON = List.of("timeout", "transport_error", "500", "503");

    public FailoverSpec {
        noReplyTimeout = noReplyTimeout == null ? Duration.ofSeconds(32) : noReplyTimeout;
        ringingTimeout = ringingTimeout == null ? Duration.ofSeconds(120) : ringingTimeout;
        if (noReplyTimeout.isZero() || noReplyTimeout.isNegative() || ringingTimeout.isZero() || ringingTimeout.isNegative()) {
            throw new IllegalArgumentException("failover timeouts must be positive");
        }
        List<String> normalised = new ArrayList<>();
        for (String o : on == null ? DEFAULT_ON : on) {
            String t = o.trim().toLowerCase(Locale.ROOT);
            if (!t.equals("timeout") && !t.equals("transport_error") && !t.matches("[3-6]([0-9][0-9]|xx)")) {
                throw new IllegalArgumentException("failover 'on' takes timeout, transport_error, a code (500) or a class"
                    + " (5xx), not '" + o + "'");
            }
            normalised.add(t);
        }
        on = List.copyOf(normalised);
        mark = mark == null ? "inactive+probing" : mark.trim().toLowerCase(Locale.ROOT);
        if (!List.of("inactive+probing", "inactive", "trying+probing", "trying", "probing", "none").contains(mark)) {
            throw new IllegalArgumentException("failover 'mark' must be inactive+probing, inactive, trying+probing,"
                + " trying, probing or none, not '" + mark + "'");
        }
        maxAttempts = maxAttempts == null ? 0 : maxAttempts;
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("max_attempts must be 0 (every candidate) or more");
        }
    }

    /** The failover of a route that names none: nothing fails over, Timer B is the only limit. */
    public static final FailoverSpec NONE = new FailoverSpec(null, null, List.of(), "none", 1);
}
