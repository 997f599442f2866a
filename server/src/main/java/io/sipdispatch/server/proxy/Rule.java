package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.Algorithm;
import io.sipdispatch.server.config.Cidr;
import io.sipdispatch.server.config.DispatchSpec;
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
            Map<String, Pattern> headers, List<Cidr> sources, Integer sourceInSet, Action action, boolean stateful) {

    /** What a matching rule does. */
    sealed interface Action permits Dispatch, Relay, Reply {
    }

    /** One set and its algorithm. */
    record Step(int set, Algorithm algorithm) {
    }

    /** Choose from the sets of {@code steps}, in order; fail over as {@code failover} says (stateful mode). */
    record Dispatch(List<Step> steps, DispatchSpec spec, ReplySpec whenNoneLeft, Failover failover) implements Action {
        /** Whether a step is call-load (Kamailio algorithm 10), whose calls are counted per destination. */
        boolean countsCalls() {
            for (Step s : steps) {
                if (s.algorithm() == io.sipdispatch.dispatcher.Algorithm.callLoad()) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the steps fork to every destination at once (Kamailio algorithm 12). */
        boolean parallel() {
            for (Step s : steps) {
                if (s.algorithm().parallel()) {
                    return true;
                }
            }
            return false;
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
        return sourceInSet == null || snapshot.isFromSet(source, sourceInSet);
    }
}
