package io.sipdispatch.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How destinations are watched: keepalive probing (Kamailio's {@code ds_ping_*} and {@code ds_probing_*}
 * parameters) and the thresholds that failover marks count against too.
 *
 * @param interval          how often each destination is probed ({@code ds_ping_interval}); 0 (default) = no probing
 * @param from              the From URI of the probes ({@code ds_ping_from}); a destination's {@code ping_from}
 *                          attribute overrides it
 * @param method            the probe's method ({@code ds_ping_method}, OPTIONS)
 * @param replyCodes        replies that count as alive besides 200 ({@code ds_ping_reply_codes}):
 *                          {@code class=2;code=480;code=404}; default {@code class=2}
 * @param mode              which destinations are probed ({@code ds_probing_mode}): 0 {@code flagged} (only those with
 *                          the probing bit, cleared by an answer), 1 {@code all} (default), 2 {@code inactive}
 *                          (inactive ones with the probing bit), 3 {@code flagged-always} (probing bit kept)
 * @param threshold         failures in a row that turn a trying destination inactive ({@code ds_probing_threshold}, 1)
 * @param recoveryThreshold answered probes in a row that bring an inactive destination back
 *                          ({@code ds_inactive_threshold}, 1)
 * @param maxForwards       the probe's Max-Forwards ({@code ds_ping_maxfwd}, 1)
 * @param timeout           a probe unanswered this long has failed (default 2 s, at most the interval)
 * @param sets              only these sets are probed ({@code ds_probing_list}); empty = every set
 * @param active            the global switch ({@code ping_active}); false stops probing without forgetting it
 */
public record ProbingSettings(Duration interval, String from, String method, String replyCodes, String mode,
                              Integer threshold, Integer recoveryThreshold, Integer maxForwards, Duration timeout,
                              List<Integer> sets, Boolean active) {
    public static final ProbingSettings DEFAULT = new ProbingSettings(null, null, null, null, null, null, null, null,
        null, null, null);

    public ProbingSettings {
        interval = interval == null ? Duration.ZERO : interval;
        if (interval.isNegative()) {
            throw new IllegalArgumentException("probing.interval must not be negative");
        }
        from = from == null ? "sip:dispatcher@localhost" : from.trim();
        if (!from.startsWith("sip:") && !from.startsWith("sips:")) {
            throw new IllegalArgumentException("probing.from must be a sip: URI, not '" + from + "'");
        }
        method = method == null ? "OPTIONS" : method.trim().toUpperCase(Locale.ROOT);
        if (!method.matches("[A-Z]+") || method.equals("INVITE") || method.equals("ACK") || method.equals("CANCEL")) {
            throw new IllegalArgumentException("probing.method must be a non-INVITE method such as OPTIONS, not '"
                + method + "'");
        }
        replyCodes = replyCodes == null ? "class=2" : replyCodes.trim();
        acceptedCodes(replyCodes); // refuses a malformed list now
        mode = mode == null ? "all" : mode.trim().toLowerCase(Locale.ROOT);
        modeNumber(mode);
        threshold = threshold == null ? 1 : threshold;
        recoveryThreshold = recoveryThreshold == null ? 1 : recoveryThreshold;
        if (threshold < 1 || recoveryThreshold < 1) {
            throw new IllegalArgumentException("probing.threshold and probing.recovery_threshold must be at least 1");
        }
        maxForwards = maxForwards == null ? 1 : maxForwards;
        if (maxForwards < 1 || maxForwards > 255) {
            throw new IllegalArgumentException("probing.max_forwards must be from 1 to 255");
        }
        timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("probing.timeout must be positive");
        }
        if (!interval.isZero() && timeout.compareTo(interval) > 0) {
            timeout = interval;
        }
        sets = sets == null ? List.of() : List.copyOf(sets);
        active = active == null ? Boolean.TRUE : active;
    }

    /** Kamailio's probing mode number for {@code mode}: a word or the number itself. */
    public static int modeNumber(String mode) {
        return switch (mode) {
            case "0", "flagged" -> 0;
            case "1", "all" -> 1;
            case "2", "inactive" -> 2;
            case "3", "flagged-always" -> 3;
            default -> throw new IllegalArgumentException("probing.mode must be all (1), flagged (0), inactive (2) or"
                + " flagged-always (3), not '" + mode + "'");
        };
    }

    public int modeNumber() {
        return modeNumber(mode);
    }

    /**
     * The reply classes and codes of {@code ds_ping_reply_codes}: {@code [0..6]} for classes (index = first
     * digit), then the codes. 200 is always accepted.
     */
    public static List<Integer> acceptedCodes(String spec) {
        List<Integer> out = new ArrayList<>();
        for (String part : spec.split(";")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = eq < 0 ? "" : p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String val = eq < 0 ? "" : p.substring(eq + 1).trim();
            try {
                int n = Integer.parseInt(val);
                if (key.equals("class") && n >= 1 && n <= 6) {
                    out.add(n);
                    continue;
                }
                if (key.equals("code") && n >= 100 && n <= 699) {
                    out.add(n);
                    continue;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw new IllegalArgumentException("probing.reply_codes: '" + p + "' is neither class=N (1-6) nor"
                + " code=NNN; write e.g. class=2;code=480");
        }
        return out;
    }

    /**
     * Whether keepalives are set up at all: an interval is given. {@link #active()} only says whether they
     * start switched on, since the operator can switch them on and off at run time.
     */
    public boolean enabled() {
        return !interval.isZero();
    }
}
