package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.Algorithm;
import io.sipdispatch.dispatcher.Algorithms;
import io.sipdispatch.dispatcher.ResourceLoad;
import io.sipdispatch.server.config.Cidr;
import io.sipdispatch.server.config.DispatchSpec;
import io.sipdispatch.server.config.DispatcherSettings;
import io.sipdispatch.server.config.MatchSpec;
import io.sipdispatch.server.config.PartitionSettings;
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
        Map<String, PartitionSettings> partitions = settings.allPartitions();
        if (m.inList() != null && !partitions.containsKey(m.inList().partition())) {
            throw new IllegalArgumentException("in_list: no partition '" + m.inList().partition() + "' (known: "
                + String.join(", ", partitions.keySet()) + ")");
        }
        java.util.Set<String> lists = new java.util.TreeSet<>();
        partitions.values().forEach(p -> lists.addAll(p.blacklists().keySet()));
        for (String b : r.blacklists()) {
            if (!lists.contains(b)) {
                throw new IllegalArgumentException("blacklists: no blacklist '" + b + "' (defined: "
                    + (lists.isEmpty() ? "none" : String.join(", ", lists)) + ")");
            }
        }
        if (!r.blacklists().isEmpty() && r.reply() != null) {
            throw new IllegalArgumentException("blacklists belong to a route that forwards (dispatch or relay)");
        }
        Rule.Action action;
        if (r.dispatch() != null) {
            DispatchSpec d = r.dispatch();
            List<Rule.Step> steps = new ArrayList<>();
            for (StepSpec s : d.steps()) {
                String partition = s.partition() != null ? s.partition() : DispatcherSettings.DEFAULT_PARTITION;
                if (!partitions.containsKey(partition)) {
                    throw new IllegalArgumentException("no partition '" + partition + "' (known: "
                        + String.join(", ", partitions.keySet()) + ")");
                }
                steps.add(new Rule.Step(partition, s.set(), algorithm(s, settings, stateful)));
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
            sources, m.sourceInSet(), m.inList(), action, stateful, r.blacklists());
    }

    static Algorithm algorithm(StepSpec s, DispatcherSettings settings, boolean stateful) {
        Algorithm a = Algorithms.parse(s.algorithm(), settings.numberingKind(), settings.hashMode(), s.key());
        if (a.parallel() && !stateful) {
            // Forking to every destination at once needs transactions to merge the answers (RFC 3261 §16.7).
            throw new IllegalArgumentException("algorithm '" + s.algorithm() + "' (" + a.name()
                + ") forks to every destination at once, which needs the stateful mode");
        }
        if (a instanceof ResourceLoad && !stateful) {
            // Resources are held until the call ends, which only the transactions see (failures, CANCEL, BYE).
            throw new IllegalArgumentException("algorithm 'resources' counts calls until they end, which needs the"
                + " stateful mode");
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

    /** Whether any route dispatches with round-robin-overload, so that responses may carry RFC 7339 {@code oc}. */
    boolean anyOverloadControl() {
        for (Rule r : rules) {
            if (r.action() instanceof Rule.Dispatch d && d.overloadControl()) {
                return true;
            }
        }
        return false;
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

    /** The sets the routes dispatch to, by partition, to warn about sets the source does not have. */
    public Map<String, java.util.SortedSet<Integer>> setIds() {
        Map<String, java.util.SortedSet<Integer>> out = new LinkedHashMap<>();
        for (Rule r : rules) {
            if (r.action() instanceof Rule.Dispatch d) {
                for (Rule.Step s : d.steps()) {
                    out.computeIfAbsent(s.partition(), k -> new java.util.TreeSet<>()).add(s.set());
                }
            }
        }
        return out;
    }
}
