package io.sipdispatch.server.config;

import java.util.List;

/**
 * One routing rule: a match and exactly one action. Rules are tried in order; the first that matches decides.
 *
 * @param name         for logs and metrics
 * @param match        what the rule applies to; absent = every request
 * @param dispatch     choose a destination from a set
 * @param relay        {@code request-uri}: forward to the Request-URI as it is (Kamailio {@code forward()})
 * @param reply        answer with this code and reason
 * @param whenNoneLeft the reply when dispatch finds no destination available, or when failover has tried every
 *                     one (default 503)
 * @param mode         {@code stateful} or {@code stateless} for this route; absent = the top-level {@code mode}
 * @param blacklists   the blacklists this route obeys (OpenSIPS {@code use_blacklist}): a destination or
 *                     Request-URI whose IP is on one is never forwarded to
 */
public record RouteSpec(String name, MatchSpec match, DispatchSpec dispatch, String relay, ReplySpec reply,
                        ReplySpec whenNoneLeft, SipdispatchConfig.ProxyMode mode, List<String> blacklists) {
    public RouteSpec {
        blacklists = blacklists == null ? List.of() : List.copyOf(blacklists);
        int actions = (dispatch != null ? 1 : 0) + (relay != null ? 1 : 0) + (reply != null ? 1 : 0);
        if (actions != 1) {
            throw new IllegalArgumentException("a route needs exactly one of 'dispatch', 'relay' and 'reply'"
                + (name != null ? " (route '" + name + "')" : ""));
        }
        if (relay != null && !relay.equals("request-uri")) {
            throw new IllegalArgumentException("relay: the only target is 'request-uri'");
        }
        if (whenNoneLeft != null && dispatch == null) {
            throw new IllegalArgumentException("'when_none_left' belongs to a 'dispatch' route");
        }
        match = match == null ? MatchSpec.ANY : match;
        whenNoneLeft = whenNoneLeft == null ? ReplySpec.NO_DESTINATION : whenNoneLeft;
    }
}
