package io.sipdispatch.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The dispatch action of a route: Kamailio's {@code ds_select_dst}/{@code ds_select_domain}.
 *
 * @param set        the set id, for a one-step dispatch
 * @param algorithm  its algorithm (default round-robin)
 * @param key        its key template, for hash-key
 * @param flags      OpenSIPS flag letters: {@code f} failover list, {@code u} user part only in URI hashes,
 *                   {@code d} the set's last destination only as a last resort
 * @param maxResults the most candidates kept for failover (OpenSIPS {@code max_res}); 0 for all
 * @param target     {@code outbound-proxy}: send to the destination, Request-URI untouched ({@code ds_select_dst});
 *                   {@code request-uri}: write the destination's host:port into the Request-URI ({@code ds_select_domain})
 * @param steps      several set/algorithm steps instead of {@code set}
 * @param failover   what happens when the destination fails (stateful mode); absent = no failover
 * @param partition  the partition of the sets ({@code ds_select_dst(set, alg, flags, partition)}); absent =
 *                   {@code default}
 */
public record DispatchSpec(Integer set, String algorithm, String key, String flags, Integer maxResults,
                           String target, List<StepSpec> steps, FailoverSpec failover, String partition) {
    public DispatchSpec {
        if ((set == null) == (steps == null || steps.isEmpty())) {
            throw new IllegalArgumentException("dispatch needs either 'set' (with 'algorithm') or 'steps', not both");
        }
        if (steps == null || steps.isEmpty()) {
            steps = List.of(new StepSpec(set, algorithm, key, partition));
        } else {
            if (algorithm != null || key != null) {
                throw new IllegalArgumentException("with 'steps', give 'algorithm' and 'key' in each step");
            }
            List<StepSpec> own = new ArrayList<>();
            for (StepSpec st : steps) {
                own.add(st.partition() != null || partition == null ? st
                    : new StepSpec(st.set(), st.algorithm(), st.key(), partition));
            }
            steps = List.copyOf(own);
        }
        flags = flags == null ? "" : flags.trim().toLowerCase(Locale.ROOT);
        for (char c : flags.toCharArray()) {
            if ("fud".indexOf(c) < 0) {
                throw new IllegalArgumentException("unknown dispatch flag '" + c + "' (known: f u d)");
            }
        }
        maxResults = maxResults == null ? 0 : maxResults;
        if (maxResults < 0) {
            throw new IllegalArgumentException("max_results must be 0 (all) or more");
        }
        target = target == null ? "outbound-proxy" : target;
        if (!target.equals("outbound-proxy") && !target.equals("request-uri")) {
            throw new IllegalArgumentException("target must be 'outbound-proxy' or 'request-uri', not '" + target + "'");
        }
    }

    /** Whether the selection keeps a failover list: flag {@code f}, or a {@code failover} section. */
    public boolean keepsFailoverList() {
        return flags.indexOf('f') >= 0 || failover != null;
    }

    public boolean userOnly() {
        return flags.indexOf('u') >= 0;
    }

    public boolean useDefault() {
        return flags.indexOf('d') >= 0;
    }

    public boolean rewriteRequestUri() {
        return target.equals("request-uri");
    }
}
