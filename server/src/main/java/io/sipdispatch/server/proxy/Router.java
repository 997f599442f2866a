package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.Algorithm;
import io.sipdispatch.dispatcher.Algorithms;
import io.sipdispatch.server.config.Cidr;
import io.sipdispatch.server.config.DispatchSpec;
import io.sipdispatch.server.config.DispatcherSettings;
import io.sipdispatch.server.config.MatchSpec;
import io.sipdispatch.server.config.RouteSpec;
import io.sipdispatch.server.config.SipdispatchConfig;
import io.sipdispatch.server.config.StepSpec;
import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParseException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The routes of the configuration, compiled once, tried in order: the first that matches decides. */
public final class Router {
    private final List<Rule> rules;

    private Router(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * Compiles {@code routes}.
     *
     * @throws IllegalArgumentException naming the route and what is wrong with it
     */
    public static Router compile(List<RouteSpec> routes, DispatcherSettings settings, SipdispatchConfig.ProxyMode mode) {
        List<Rule> rules = new ArrayList<>();
        int i = 0;
        for (RouteSpec r : routes) {
            String name = r.name() != null ? r.name() : "route-" + i;
            try {
                rules.add(compile(name, r, settings, mode));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("routes[" + i + "] (" + name + "): " + e.getMessage(), e);
            }
            i++;
        }
        return new Router(rules);
    }

    private static Rule compile(String name, RouteSpec r, DispatcherSettings settings, SipdispatchConfig.ProxyMode global) {
        boolean stateful = (r.mode() != null ? r.mode() : global) == SipdispatchConfig.ProxyMode.STATEFUL;
        MatchSpec m = r.match();
        LinkedHashSet<String> methods = new LinkedHashSet<>();
        for (String s : m.method()) {
            for (String part : s.split("\\|")) {
                if (!part.isBlank()) {
                    methods.add(part.trim().toUpperCase(Locale.ROOT));
                }
            }
        }
        Map<String, Pattern> headers = new LinkedHashMap<>();
        m.headers().forEach((k, v) -> headers.put(k, Pattern.compile(v)));
        List<Cidr> sources = m.source().stream().map(Cidr::parse).toList();
        Rule.Action action;
        if (r.dispatch() != null) {
            DispatchSpec d = r.dispatch();
            List<Rule.Step> steps = new ArrayList<>();
            for (StepSpec s : d.steps()) {
                steps.add(new Rule.Step(s.set(), algorithm(s, settings, stateful)));
            }
            if (d.failover() != null && !stateful) {
                throw new IllegalArgumentException("'failover' needs the stateful mode: a stateless proxy keeps no"
                    + " transaction to fail over from");
            }
            action = new Rule.Dispatch(steps, d, r.whenNoneLeft(),
                d.failover() == null ? Failover.NONE : Failover.of(d.failover()));
        } else if (r.relay() != null) {
            action = new Rule.Relay();
        } else {
            action = new Rule.Reply(r.reply());
        }
        return new Rule(name, methods, pattern(m.ruriUser()), pattern(m.ruriHost()), pattern(m.ruri()), headers,
            sources, m.sourceInSet(), action, stateful);
    }

    static Algorithm algorithm(StepSpec s, DispatcherSettings settings, boolean stateful) {
        Algorithm a = Algorithms.parse(s.algorithm(), settings.numberingKind(), settings.hashMode(), s.key());
        if (a.parallel() && !stateful) {
            // Forking to every destination at once needs transactions to merge the answers (RFC 3261 §16.7).
            throw new IllegalArgumentException("algorithm '" + s.algorithm() + "' (" + a.name()
                + ") forks to every destination at once, which needs the stateful mode");
        }
        return a;
    }

    private static Pattern pattern(String regex) {
        return regex == null ? null : Pattern.compile(regex);
    }

    /** The first rule that matches, or null when none does. */
    Rule match(SipMessage m, InetSocketAddress source, DispatchSnapshot snapshot) throws SipParseException {
        for (Rule r : rules) {
            if (r.matches(m, source, snapshot)) {
                return r;
            }
        }
        return null;
    }

    /** Whether any route forwards statefully. */
    boolean anyStateful() {
        for (Rule r : rules) {
            if (r.stateful()) {
                return true;
            }
        }
        return false;
    }

    /** The set ids the routes dispatch to, to warn about sets the list does not have. */
    public List<Integer> setIds() {
        List<Integer> out = new ArrayList<>();
        for (Rule r : rules) {
            if (r.action() instanceof Rule.Dispatch d) {
                for (Rule.Step s : d.steps()) {
                    out.add(s.set());
                }
            }
        }
        return out;
    }
}
