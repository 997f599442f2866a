package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.Algorithm;
import io.sipdispatch.dispatcher.ResourceLoad;
import io.sipdispatch.server.config.Cidr;
import io.sipdispatch.server.config.DispatchSpec;
import io.sipdispatch.server.config.DispatcherSettings;
import io.sipdispatch.server.config.InListSpec;
import io.sipdispatch.server.config.ReplySpec;
import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParseException;
import io.sipdispatch.sip.SipUri;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** One compiled route of the configuration: its conditions and its action. */
record Rule(String name, Set<String> methods, Pattern ruriUser, Pattern ruriHost, Pattern ruri,
            Map<String, Pattern> headers, List<Cidr> sources, Integer sourceInSet, InListSpec inList, Action action,
            boolean stateful, List<String> blacklists) {

    /** What a matching rule does. */
    sealed interface Action permits Dispatch, Relay, Reply {
    }

    /** One set of a partition, and its algorithm. */
    record Step(String partition, int set, Algorithm algorithm) {
        Step(int set, Algorithm algorithm) {
            this(DispatcherSettings.DEFAULT_PARTITION, set, algorithm);
        }
    }

    /**
     * Choose from the sets of {@code steps}, in order; fail over as {@code failover} says (stateful mode). What
     * the steps' algorithms ask of the proxy is worked out once, here, not for every request:
     *
     * @param countsCalls     a step is call-load (Kamailio algorithm 10) or resources, whose calls are counted
     *                        per destination
     * @param resources       the resources a call takes (a resources step); null when calls count as one call
     * @param overloadControl a step is round-robin-overload (Kamailio 64), whose requests offer RFC 7339 {@code oc}
     * @param parallel        the steps fork to every destination at once (Kamailio 12)
     */
    record Dispatch(List<Step> steps, DispatchSpec spec, ReplySpec whenNoneLeft, Failover failover,
                    boolean countsCalls, String[] resources, boolean overloadControl, boolean parallel) implements Action {
        Dispatch(List<Step> steps, DispatchSpec spec, ReplySpec whenNoneLeft, Failover failover) {
            this(steps, spec, whenNoneLeft, failover,
                steps.stream().anyMatch(s -> s.algorithm() == Algorithm.callLoad() || s.algorithm() instanceof ResourceLoad),
                steps.stream().filter(s -> s.algorithm() instanceof ResourceLoad)
                    .map(s -> ((ResourceLoad) s.algorithm()).wanted()).findFirst().orElse(null),
                steps.stream().anyMatch(s -> s.algorithm() == Algorithm.roundRobinOverload()),
                steps.stream().anyMatch(s -> s.algorithm().parallel()));
        }
    }

    /** Forward to the Route or Request-URI as the request names them. */
    record Relay() implements Action {
    }

    /** Answer statelessly. */
    record Reply(ReplySpec reply) implements Action {
    }

    boolean matches(SipMessage m, InetSocketAddress source, DispatchSnapshot snapshot) throws SipParseException {
        if (!methods.isEmpty() && !methods.contains(m.method())) {
            return false;
        }
        if (ruriUser != null || ruriHost != null) {
            SipUri u = m.requestUri();
            if (ruriUser != null && (u.user() == null || !ruriUser.matcher(u.user()).find())) {
                return false;
            }
            if (ruriHost != null && (u.host() == null || !ruriHost.matcher(u.host()).find())) {
                return false;
            }
        }
        if (ruri != null && !ruri.matcher(m.requestUriString()).find()) {
            return false;
        }
        for (Map.Entry<String, Pattern> h : headers.entrySet()) {
            List<String> values = m.values(h.getKey());
            boolean any = false;
            for (String v : values) {
                if (h.getValue().matcher(v).find()) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        if (!sources.isEmpty()) {
            boolean any = false;
            for (Cidr c : sources) {
                if (c.contains(source.getAddress())) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        if (sourceInSet != null && !snapshot.isFromSet(source, sourceInSet)) {
            return false;
        }
        return inList == null || inList(m, source, snapshot);
    }

    private boolean inList(SipMessage m, InetSocketAddress source, DispatchSnapshot snapshot) throws SipParseException {
        InetSocketAddress a = source;
        if (inList.ofRequestUri()) {
            Target t = Target.of(m.requestUri()); // an IP literal only: routing never waits for DNS
            if (t == null) {
                return false;
            }
            a = t.address();
        }
        return snapshot.isInList(inList.partition(), a.getAddress(), inList.anyPort() ? 0 : a.getPort(),
            inList.set(), inList.activeOnly());
    }

    /** Whether this route may not forward to {@code ip}: it is on one of the route's blacklists. */
    boolean blacklisted(DispatchSnapshot snapshot, java.net.InetAddress ip) {
        return !blacklists.isEmpty() && snapshot.blacklisted(blacklists, ip);
    }
}
