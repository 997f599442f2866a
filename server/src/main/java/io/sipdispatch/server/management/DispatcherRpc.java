package io.sipdispatch.server.management;

import io.sipdispatch.dispatcher.Attributes;
import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.dispatcher.DestinationRecord;
import io.sipdispatch.dispatcher.DestinationSet;
import io.sipdispatch.dispatcher.DestinationState;
import io.sipdispatch.dispatcher.DispatchTable;
import io.sipdispatch.dispatcher.Hashing;
import io.sipdispatch.dispatcher.LatencyStats;
import io.sipdispatch.dispatcher.LoadReport;
import io.sipdispatch.server.SipdispatchServer;
import io.sipdispatch.server.config.DispatcherSettings;
import io.sipdispatch.server.events.StateChange;
import io.sipdispatch.server.proxy.Keepalives;
import io.sipdispatch.server.trace.SipTracer;
import io.sipdispatch.sip.SipUri;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's management commands, under Kamailio's names ({@code dispatcher.list},
 * {@code dispatcher.set_state} …, as {@code kamcmd} calls them) and OpenSIPS's MI names ({@code ds_list},
 * {@code ds_set_state}, {@code ds_reload}, {@code ds_count}), with the parameters each project documents.
 * Every change is logged with who made it.
 */
final class DispatcherRpc {
    private static final Logger log = LoggerFactory.getLogger(DispatcherRpc.class);
    private static final String DEFAULT = DispatcherSettings.DEFAULT_PARTITION;

    /** What a command does with its parameters. */
    interface Handler {
        Object call(Params p, Caller who) throws RpcException;
    }

    /** A command: its name, whether it changes anything (the write role), and what it does. */
    record Command(String name, boolean writes, String help, Handler handler) {
    }

    private final SipdispatchServer server;
    private final Map<String, Command> commands = new TreeMap<>();

    DispatcherRpc(SipdispatchServer server) {
        this.server = server;
        add("dispatcher.list", false, "[mode: full|short] [partition]: every set and destination", this::list);
        add("dispatcher.set_state", true, "state set address|all [partition]: a/i/t (health, enabled), d/r/e"
            + " (disable, drain, enable), p (probing), e.g. ip", (p, who) -> setState(p, false, who));
        add("dispatcher.set_duid_state", true, "state set duid [partition]: as set_state, by duid",
            (p, who) -> setState(p, true, who));
        add("dispatcher.reload", true, "[partition] [inherit: 1|0]: read the sources and the routes again",
            this::reload);
        add("dispatcher.ping_active", false, "[0|1]: the probing switch; without a value, what it is (a value"
            + " needs the write role)", this::pingActive);
        add("dispatcher.add", true, "set address [flags] [priority] [attrs] [partition]: in memory until the"
            + " next reload", this::addDestination);
        add("dispatcher.remove", true, "set address [partition]: in memory until the next reload",
            this::removeDestination);
        add("dispatcher.hash", false, "nslots value: the value's hash and its slot among nslots", this::hash);
        add("dispatcher.oclist", false, "[set] [partition]: destinations under RFC 7339 overload control",
            this::ocList);
        add("dispatcher.count", false, "set [filter: a|i|p] [partition]: how many destinations", this::count);
        add("dispatcher.history", false, "[n]: the last state changes, oldest first", this::history);
        add("dispatcher.set_load", true, "set address|all sessions max_sessions [idle_cpu: 0-100, 100] [partition]:"
            + " the load the destination carries, for free-capacity and FreeSWITCH weights, until the next report",
            this::setLoad);
        add("cluster.list", false, ": this node, the live nodes oldest first, and who holds the sharing tag",
            this::clusterList);
        add("cluster.reload", true, "[partition]: reload here and ask every other node of the cluster to reload",
            this::clusterReload);
        add("ds_list", false, "[full] [partition]: OpenSIPS's listing", this::dsList);
        add("ds_set_state", true, "state group address [partition]: OpenSIPS's a (active), i (inactive:"
            + " disabled), p (probing)", this::dsSetState);
        add("ds_reload", true, "[partition] [inherit_state: 1|0]", this::reload);
        add("ds_count", false, "set [filter] [partition]", this::count);
        add("trace.start", true, "[all | call_id ID | set N | address CIDR]: mirror those messages to the HEP"
            + " collector", this::traceStart);
        add("trace.stop", true, "stop mirroring messages", (p, who) -> traceSwitch("off", who));
        add("trace.status", false, "whether messages are mirrored, which, and how many", this::traceStatus);
        add("siptrace.status", false, "on | off | check: Kamailio's switch (on traces every message; on and off"
            + " need the write role)", (p, who) -> traceSwitch(p.string(0, "status", "check"), who));
    }

    private void add(String name, boolean writes, String help, Handler h) {
        commands.put(name, new Command(name, writes, help, h));
    }

    private interface Checked {
        Object call(Params p) throws RpcException;
    }

    private void add(String name, boolean writes, String help, Checked f) {
        commands.put(name, new Command(name, writes, help, (p, who) -> f.call(p)));
    }

    Map<String, Command> commands() {
        return commands;
    }

    // ---- reading ------------------------------------------------------------------------------------

    private DispatchTable table(String partition) throws RpcException {
        DispatchTable t = server.snapshot().table(partition);
        if (t == null) {
            throw RpcException.params("no partition '" + partition + "' (partitions: "
                + String.join(", ", server.partitionNames()) + ")");
        }
        return t;
    }

    private DestinationSet set(String partition, int id) throws RpcException {
        DispatchTable t = table(partition);
        DestinationSet s = t.set(id);
        if (s == null) {
            List<String> ids = t.sets().stream().map(x -> Integer.toString(x.id())).toList();
            throw RpcException.params("no set " + id + (partition.equals(DEFAULT) ? "" : " in partition " + partition)
                + " (sets: " + (ids.isEmpty() ? "none" : String.join(", ", ids)) + ")");
        }
        return s;
    }

    private Object list(Params p) throws RpcException {
        String mode = p.string(0, "mode", "full");
        if (!mode.equals("full") && !mode.equals("short")) {
            throw RpcException.params("mode must be 'full' or 'short', not '" + mode + "'");
        }
        boolean full = mode.equals("full");
        DispatchTable t = table(p.string(1, "partition", DEFAULT));
        io.sipdispatch.server.proxy.DispatchSnapshot snap = server.snapshot();
        // Written as it is read, not built as a tree first: ten thousand destinations make a 3 MB answer.
        return (JsonRpc.Streamed) g -> {
            g.writeStartObject();
            g.writeNumberField("NRSETS", t.sets().size());
            g.writeArrayFieldStart("RECORDS");
            for (DestinationSet s : t.sets()) {
                g.writeStartObject();
                g.writeObjectFieldStart("SET");
                g.writeNumberField("ID", s.id());
                g.writeArrayFieldStart("TARGETS");
                for (Destination d : s.destinations()) {
                    g.writeStartObject();
                    g.writeObjectFieldStart("DEST");
                    writeDest(g, d, full);
                    if (full) {
                        writeDns(g, snap.dnsEntry(d));
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        };
    }

    /** Kamailio's fields, in its names and order, then sipdispatch's own; only URI and FLAGS when short. */
    private static void writeDest(com.fasterxml.jackson.core.JsonGenerator g, Destination d, boolean full)
        throws java.io.IOException {
        g.writeStringField("URI", d.uri());
        g.writeStringField("FLAGS", DestinationFlags.code(d.state()));
        if (!full) {
            return;
        }
        g.writeNumberField("PRIORITY", d.priority());
        Attributes a = d.record().attrs();
        g.writeObjectFieldStart("ATTRS");
        g.writeStringField("BODY", a.raw());
        g.writeStringField("DUID", a.duid() == null ? "" : a.duid());
        g.writeNumberField("MAXLOAD", d.maxload());
        g.writeNumberField("WEIGHT", d.currentWeight());
        g.writeNumberField("RWEIGHT", d.rweight());
        g.writeStringField("SOCKET", a.socket() == null ? "" : a.socket());
        g.writeEndObject();
        LatencyStats.Snapshot l = d.latencyStats().snapshot();
        g.writeObjectFieldStart("LATENCY");
        g.writeNumberField("AVG", round(l.averageMicros() / 1000));
        g.writeNumberField("STD", round(l.stdDevMicros() / 1000));
        g.writeNumberField("EST", round(l.estimateMicros() / 1000.0));
        g.writeNumberField("MAX", round(l.maxMicros() / 1000.0));
        g.writeNumberField("TIMEOUT", l.timeouts());
        g.writeEndObject();
        g.writeStringField("STATE", d.view().words());
        g.writeNumberField("CALLS", d.activeCalls());
        LoadReport load = d.loadReport();
        if (load != null) {
            // What the destination last said of itself, and the calls sent to it since, counted in FREE.
            g.writeObjectFieldStart("LOAD");
            g.writeNumberField("IDLE_CPU", load.idleCpu());
            g.writeNumberField("SESSIONS", load.sessions());
            g.writeNumberField("MAX_SESSIONS", load.maxSessions());
            g.writeNumberField("SENT_SINCE", d.callsSinceReport());
            g.writeNumberField("FREE", round(d.freeShare()));
            g.writeEndObject();
        }
        if (!d.resources().isEmpty()) {
            g.writeObjectFieldStart("RESOURCES");
            for (Map.Entry<String, Integer> r : d.resources().entrySet()) {
                g.writeStringField(r.getKey(), d.resourceUsed(r.getKey()) + "/" + r.getValue());
            }
            g.writeEndObject();
        }
        g.writeNumberField("SELECTED", d.selections());
        g.writeStringField("DESCRIPTION", d.record().description());
    }

    /**
     * For a destination given by host name: what DNS gave (each next hop with its SRV priority and weight)
     * and, when DNS fails, why and since when, while the last good answer serves on.
     */
    private static void writeDns(com.fasterxml.jackson.core.JsonGenerator g, io.sipdispatch.server.dns.DnsCache.Entry e)
        throws java.io.IOException {
        if (e == null) {
            return;
        }
        g.writeObjectFieldStart("DNS");
        g.writeArrayFieldStart("TARGETS");
        for (io.sipdispatch.server.dns.SipResolver.Target t : e.targets()) {
            g.writeString(t.transport().paramName() + ":" + t.address().getAddress().getHostAddress() + ":"
                + t.address().getPort() + " priority " + t.priority() + " weight " + t.weight());
        }
        g.writeEndArray();
        g.writeStringField("RESOLVED", e.resolvedAt() == null ? "" : e.resolvedAt().toString());
        if (e.failing()) {
            g.writeStringField("ERROR", e.error());
            g.writeStringField("FAILING_SINCE", String.valueOf(e.failingSince()));
        }
        g.writeEndObject();
    }

    /** One destination as {@link #writeDest} writes it, as a value (for {@code dispatcher.add}'s answer). */
    static Object fullDest(Destination d) {
        return (JsonRpc.Streamed) g -> {
            g.writeStartObject();
            writeDest(g, d, true);
            g.writeEndObject();
        };
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }

    private Object count(Params p) throws RpcException {
        String partition = p.string(2, "partition", DEFAULT);
        DestinationSet s = set(partition, p.integer(0, "set"));
        String filter = p.string(1, "filter", "a").toLowerCase(Locale.ROOT);
        if (!List.of("a", "i", "p", "all").contains(filter)) {
            throw RpcException.params("filter must be a (in use), i (out: inactive, disabled or draining),"
                + " p (probing) or all, not '" + filter + "'");
        }
        int n = 0;
        for (Destination d : s.destinations()) {
            int st = d.state();
            boolean in = switch (filter) {
                case "a" -> !DestinationFlags.skipped(st);
                case "i" -> DestinationFlags.skipped(st);
                case "p" -> (st & DestinationFlags.PROBING) != 0;
                default -> true;
            };
            if (in) {
                n++;
            }
        }
        return Map.of("count", n);
    }

    private Object history(Params p) throws RpcException {
        int n = p.integer(0, "n", Integer.MAX_VALUE);
        if (n < 0) {
            throw RpcException.params("n must be 0 or more, not " + n);
        }
        List<StateChange> all = server.events().history();
        List<Object> out = new ArrayList<>();
        for (StateChange c : all.subList(Math.max(0, all.size() - n), all.size())) {
            out.add(c.fields());
        }
        return out;
    }

    private Object ocList(Params p) throws RpcException {
        String partition = p.string(1, "partition", DEFAULT);
        int only = p.integer(0, "set", -1);
        long now = System.nanoTime();
        List<Object> out = new ArrayList<>();
        for (DestinationSet s : table(partition).sets()) {
            if (only >= 0 && s.id() != only) {
                continue;
            }
            for (Destination d : s.destinations()) {
                int rate = d.overloadRate(now);
                if (rate > 0) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("SET", s.id());
                    m.put("URI", d.uri());
                    m.put("OCRATE", rate);
                    out.add(m);
                }
            }
        }
        return out;
    }

    private Object hash(Params p) throws RpcException {
        int slots = p.integer(0, "nslots");
        if (slots <= 0) {
            throw RpcException.params("nslots must be at least 1");
        }
        String value = p.string(1, "value");
        long h = Hashing.hash64(value);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hashid", Long.toUnsignedString(h));
        out.put("slot", Long.remainderUnsigned(h, slots));
        return out;
    }

    private Object dsList(Params p) throws RpcException {
        boolean full = p.has(0, "full") && !p.string(0, "full").equals("0");
        List<Object> parts = new ArrayList<>();
        String only = p.string(1, "partition", null);
        for (String name : server.partitionNames()) {
            if (only != null && !only.equals(name)) {
                continue;
            }
            List<Object> sets = new ArrayList<>();
            for (DestinationSet s : table(name).sets()) {
                List<Object> ds = new ArrayList<>();
                for (Destination d : s.destinations()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("URI", d.uri());
                    m.put("state", openSipsState(d.state()));
                    m.put("first_hit_counter", d.selections());
                    if (full) {
                        m.put("weight", d.currentWeight());
                        m.put("priority", d.priority());
                        m.put("attrs", d.record().attrs().raw());
                        m.put("description", d.record().description());
                    }
                    ds.add(m);
                }
                Map<String, Object> set = new LinkedHashMap<>();
                set.put("id", s.id());
                set.put("Destinations", ds);
                sets.add(set);
            }
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("name", name);
            part.put("SETS", sets);
            parts.add(part);
        }
        if (only != null && parts.isEmpty()) {
            table(only); // says which partitions there are
        }
        return Map.of("PARTITIONS", parts);
    }

    /** OpenSIPS's words for its state column's values, as sipdispatch writes them back (DbSchema). */
    private static String openSipsState(int st) {
        return switch (io.sipdispatch.server.source.DbSchema.openSipsState(st)) {
            case 1 -> "Inactive";
            case 2 -> "Probing";
            default -> "Active";
        };
    }

    // ---- tracing ------------------------------------------------------------------------------------

    private SipTracer tracer() throws RpcException {
        SipTracer t = server.tracer();
        if (t == null) {
            throw new RpcException(RpcException.REFUSED, "no HEP collector is configured (tracing.hep)");
        }
        return t;
    }

    private Object traceStatus(Params p) throws RpcException {
        SipTracer t = tracer();
        SipTracer.Filter f = t.filter();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", f == null ? "off" : "on");
        m.put("filter", f == null ? "" : f.describe());
        m.put("collector", t.collector().getAddress().getHostAddress() + ":" + t.collector().getPort());
        m.put("traced", t.traced.sum());
        m.put("dropped", t.dropped.sum());
        m.put("send_errors", t.sendErrors.sum());
        return m;
    }

    private Object traceStart(Params p, Caller who) throws RpcException {
        SipTracer t = tracer();
        String kind = p.string(0, "filter", "all");
        SipTracer.Filter f = switch (kind) {
            case "all" -> new SipTracer.All();
            case "call_id" -> new SipTracer.CallId(p.string(1, "value"));
            case "set" -> new SipTracer.Set(p.integer(1, "value"));
            case "address" -> {
                String v = p.string(1, "value");
                try {
                    yield new SipTracer.Address(io.sipdispatch.server.config.Cidr.parse(v), v);
                } catch (IllegalArgumentException e) {
                    throw RpcException.params("address: " + e.getMessage());
                }
            }
            default -> throw RpcException.params("filter must be all, call_id, set or address, not '" + kind + "'");
        };
        t.start(f);
        log.info("management: trace.start {} (by {})", f.describe(), who);
        return traceStatus(p);
    }

    private Object traceSwitch(String status, Caller who) throws RpcException {
        SipTracer t = tracer();
        if (!status.equals("check") && !who.writes()) {
            throw new RpcException(RpcException.FORBIDDEN, who.name() + " has the read role: siptrace.status "
                + status + " changes tracing");
        }
        switch (status) {
            case "on" -> {
                t.start(new SipTracer.All());
                log.info("management: tracing on (by {})", who);
            }
            case "off" -> {
                t.stop();
                log.info("management: tracing off (by {})", who);
            }
            case "check" -> {
                return t.filter() == null ? "off" : "on";
            }
            default -> throw RpcException.params("status must be on, off or check, not '" + status + "'");
        }
        return t.filter() == null ? "off" : "on";
    }

    // ---- changing -----------------------------------------------------------------------------------

    /** The bits to set and to clear that a state string asks for, Kamailio's letters or OpenSIPS's. */
    private record StateChangeRequest(int set, int clear) {
    }

    /**
     * Kamailio's letters: {@code a}, {@code i}, {@code t} set the health and enable the destination (as
     * Kamailio's flags do: no letter both disables and leaves active); {@code d}, {@code r}, {@code e} set the
     * admin state alone (disabled, draining, enabled), health untouched; {@code p} adds probing, and with a
     * health letter its absence clears it ({@code a} = {@code AX}).
     */
    static StateChangeRequest kamailioState(String state) throws RpcException {
        String s = state.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.length() > 2 || (s.length() == 2 && s.charAt(1) != 'p' && s.charAt(1) != 'x')) {
            throw RpcException.params(badState(state));
        }
        boolean probing = s.length() == 2 && s.charAt(1) == 'p';
        int admin = DestinationFlags.DISABLED | DestinationFlags.DRAINING;
        int health = DestinationFlags.INACTIVE | DestinationFlags.TRYING;
        int p = DestinationFlags.PROBING;
        return switch (s.charAt(0)) {
            case 'a' -> new StateChangeRequest(probing ? p : 0, admin | health | (probing ? 0 : p));
            case 'i' -> new StateChangeRequest(DestinationFlags.INACTIVE | (probing ? p : 0),
                admin | DestinationFlags.TRYING | (probing ? 0 : p));
            case 't' -> new StateChangeRequest(DestinationFlags.TRYING | (probing ? p : 0),
                admin | DestinationFlags.INACTIVE | (probing ? 0 : p));
            case 'd' -> new StateChangeRequest(DestinationFlags.DISABLED | (probing ? p : 0), DestinationFlags.DRAINING);
            case 'r' -> new StateChangeRequest(DestinationFlags.DRAINING | (probing ? p : 0), DestinationFlags.DISABLED);
            case 'e' -> new StateChangeRequest(probing ? p : 0, admin);
            case 'p' -> s.length() == 1 ? new StateChangeRequest(p, 0) : throwBad(state);
            default -> throwBad(state);
        };
    }

    private static StateChangeRequest throwBad(String state) throws RpcException {
        throw RpcException.params(badState(state));
    }

    private static String badState(String state) {
        return "bad state '" + state + "': a (active), i (inactive), t (trying), d (disabled), r (draining),"
            + " e (enabled), each with p (probing) after it, or p alone";
    }

    /**
     * An operator's own tooling reports a destination's load (OpenSIPS's algorithm 9 reads it from a script
     * variable; here it is pushed): it stands until the next report, with the calls sent since counted in.
     */
    private Object setLoad(Params p, Caller who) throws RpcException {
        int setId = p.integer(0, "set");
        String what = p.string(1, "address");
        int sessions = p.integer(2, "sessions");
        int max = p.integer(3, "max_sessions");
        String idleText = p.string(4, "idle_cpu", "100");
        String partition = p.string(5, "partition", DEFAULT);
        LoadReport report;
        try {
            report = new LoadReport(Double.parseDouble(idleText), sessions, max);
        } catch (IllegalArgumentException e) {
            throw RpcException.params("bad load: " + e.getMessage() + " (idle_cpu '" + idleText + "', sessions "
                + sessions + ", max_sessions " + max + ")");
        }
        List<Object> out = new ArrayList<>();
        for (Destination d : matching(partition, setId, what)) {
            d.reportLoad(report);
            log.debug("management: set_load {} of set {}: {} (by {})", d.uri(), setId, report, who);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("URI", d.uri());
            m.put("FREE", round(d.freeShare()));
            m.put("WEIGHT", d.currentWeight());
            out.add(m);
        }
        return out;
    }

    private List<Destination> matching(String partition, int setId, String what) throws RpcException {
        DestinationSet s = set(partition, setId);
        List<Destination> hit = new ArrayList<>();
        for (Destination d : s.destinations()) {
            if ((what.equalsIgnoreCase("all") || sameUri(what, d.uri())) && !hit.contains(d)) {
                hit.add(d);
            }
        }
        if (hit.isEmpty()) {
            throw RpcException.params("no destination " + what + " in set " + setId
                + (partition.equals(DEFAULT) ? "" : " of partition " + partition) + " (it has: "
                + String.join(", ", s.destinations().stream().map(Destination::uri).distinct().toList()) + ")");
        }
        return hit;
    }

    private Object setState(Params p, boolean byDuid, Caller who) throws RpcException {
        String state = p.string(0, "state");
        StateChangeRequest req = kamailioState(state);
        int setId = p.integer(1, "group");
        String what = p.string(2, byDuid ? "duid" : "address");
        String partition = p.string(3, "partition", DEFAULT);
        return apply(req, partition, setId, what, byDuid, (byDuid ? "set_duid_state " : "set_state ") + state, who);
    }

    private Object dsSetState(Params p, Caller who) throws RpcException {
        String state = p.string(0, "state").trim().toLowerCase(Locale.ROOT);
        int admin = DestinationFlags.DISABLED | DestinationFlags.DRAINING;
        int health = DestinationFlags.INACTIVE | DestinationFlags.TRYING;
        StateChangeRequest req = switch (state) {
            case "a", "1" -> new StateChangeRequest(0, admin | health | DestinationFlags.PROBING);
            case "i", "0" -> new StateChangeRequest(DestinationFlags.DISABLED, DestinationFlags.DRAINING);
            case "p", "2" -> new StateChangeRequest(DestinationFlags.INACTIVE | DestinationFlags.PROBING,
                admin | DestinationFlags.TRYING);
            default -> throw RpcException.params("bad state '" + state + "': a (active), i (inactive), p (probing)");
        };
        return apply(req, p.string(3, "partition", DEFAULT), p.integer(1, "group"), p.string(2, "address"), false,
            "ds_set_state " + state, who);
    }

    private Object apply(StateChangeRequest req, String partition, int setId, String what, boolean byDuid,
                         String command, Caller who) throws RpcException {
        DestinationSet s = set(partition, setId);
        List<Destination> hit = new ArrayList<>();
        for (Destination d : s.destinations()) {
            boolean match = byDuid ? what.equals(d.record().attrs().duid())
                : what.equalsIgnoreCase("all") || sameUri(what, d.uri());
            if (match && !hit.contains(d)) {
                hit.add(d);
            }
        }
        if (hit.isEmpty()) {
            throw RpcException.params("no destination " + (byDuid ? "with duid " : "") + what + " in set " + setId
                + (partition.equals(DEFAULT) ? "" : " of partition " + partition) + " (it has: "
                + String.join(", ", s.destinations().stream().map(Destination::uri).distinct().toList()) + ")");
        }
        List<Object> out = new ArrayList<>();
        for (Destination d : hit) {
            int before = d.state();
            int after = d.updateState(req.set(), req.clear());
            if ((before & DestinationFlags.INACTIVE) != 0 && (after & DestinationFlags.INACTIVE) == 0) {
                d.startSlowStart(System.nanoTime(), 0);
            }
            server.events().changed(d, before, after, "management: " + command + " by " + who);
            log.info("management: {} {} {} of set {}{}: {} -> {} (by {})", command, byDuid ? "duid" : "destination",
                d.uri(), setId, partition.equals(DEFAULT) ? "" : " of partition " + partition,
                DestinationFlags.code(before), DestinationFlags.code(after), who);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("URI", d.uri());
            m.put("FLAGS", DestinationFlags.code(after));
            m.put("STATE", DestinationState.of(after).words());
            out.add(m);
        }
        return out;
    }

    /** The same URI as written, or parsed equal (case of the scheme and host, a default port written out). */
    static boolean sameUri(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        SipUri x = SipUri.tryParse(a);
        SipUri y = SipUri.tryParse(b);
        return x != null && y != null && x.host() != null && y.host() != null
            && x.host().equalsIgnoreCase(y.host()) && port(x) == port(y)
            && java.util.Objects.equals(x.user(), y.user())
            && java.util.Objects.equals(x.transport(), y.transport());
    }

    private static int port(SipUri u) {
        return u.port() > 0 ? u.port() : (u.isSips() ? 5061 : 5060);
    }

    private Object reload(Params p, Caller who) throws RpcException {
        String partition = p.string(0, "partition", null);
        if ("".equals(partition) || "all".equals(partition)) {
            partition = null;
        }
        boolean inherit = p.integer(1, "inherit_state", 1) != 0;
        log.info("management: reload{}{} (by {})", partition == null ? "" : " of partition " + partition,
            inherit ? "" : ", states from the source", who);
        SipdispatchServer.ReloadResult r = server.reload(partition, !inherit);
        if (!r.ok()) {
            throw new RpcException(RpcException.REFUSED, r.message());
        }
        return r.message();
    }

    private io.sipdispatch.server.cluster.Cluster cluster() throws RpcException {
        io.sipdispatch.server.cluster.Cluster c = server.cluster();
        if (c == null) {
            throw new RpcException(RpcException.REFUSED, "this node is not in a cluster (no 'cluster' section)");
        }
        return c;
    }

    private Object clusterList(Params p) throws RpcException {
        io.sipdispatch.server.cluster.Cluster c = cluster();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", c.nodeName());
        m.put("members", c.members());
        m.put("tag_holder", c.members().isEmpty() ? null : c.members().get(0));
        m.put("holds_tag", c.holdsTag());
        return m;
    }

    private Object clusterReload(Params p, Caller who) throws RpcException {
        io.sipdispatch.server.cluster.Cluster c = cluster();
        String partition = p.string(0, "partition", null);
        if ("".equals(partition) || "all".equals(partition)) {
            partition = null;
        }
        log.info("management: cluster reload{} (by {})", partition == null ? "" : " of partition " + partition, who);
        SipdispatchServer.ReloadResult r = server.reload(partition, false);
        if (!r.ok()) {
            throw new RpcException(RpcException.REFUSED, r.message());
        }
        c.reloadAll(partition);
        return r.message() + "; asked of " + (c.members().size() - 1) + " other node(s)";
    }

    private Object pingActive(Params p, Caller who) throws RpcException {
        Keepalives k = server.proxy().keepalives();
        if (!p.has(0, "state")) {
            return Map.of("ping_active", k != null && k.active() ? 1 : 0);
        }
        int on = p.integer(0, "state");
        if (on != 0 && on != 1) {
            throw RpcException.params("ping_active takes 0 or 1, not " + on);
        }
        if (!who.writes()) {
            throw new RpcException(RpcException.FORBIDDEN, who.name() + " has the read role: ping_active with a"
                + " value changes probing");
        }
        if (k == null) {
            throw new RpcException(RpcException.REFUSED, "no probing is configured (dispatcher.probing.interval)");
        }
        k.setActive(on == 1);
        log.info("management: ping_active {} (by {})", on, who);
        return Map.of("ping_active", on);
    }

    private Object addDestination(Params p, Caller who) throws RpcException {
        int setId = p.integer(0, "group");
        String uri = p.string(1, "address");
        if (SipUri.tryParse(uri) == null) {
            throw RpcException.params("address '" + uri + "' is not a SIP URI");
        }
        int flags = p.integer(2, "flags", 0);
        int priority = p.integer(3, "priority", 0);
        Attributes attrs;
        try {
            attrs = Attributes.parse(p.string(4, "attrs", ""));
        } catch (IllegalArgumentException e) {
            throw RpcException.params("attrs: " + e.getMessage());
        }
        String partition = p.string(5, "partition", DEFAULT);
        try {
            Destination d = server.addDestination(partition,
                new DestinationRecord(setId, uri, flags, priority, attrs, "added by " + who.name()));
            log.info("management: add {} to set {}{} (by {})", uri, setId,
                partition.equals(DEFAULT) ? "" : " of partition " + partition, who);
            return fullDest(d);
        } catch (IllegalArgumentException e) {
            throw new RpcException(RpcException.REFUSED, e.getMessage());
        }
    }

    private Object removeDestination(Params p, Caller who) throws RpcException {
        int setId = p.integer(0, "group");
        String uri = p.string(1, "address");
        String partition = p.string(2, "partition", DEFAULT);
        // The URI as the set lists it, matched as set_state matches it (a default port written out or not).
        String listed = set(partition, setId).destinations().stream().map(Destination::uri)
            .filter(u -> sameUri(uri, u)).findFirst().orElse(uri);
        int n;
        try {
            n = server.removeDestination(partition, setId, listed);
        } catch (IllegalArgumentException e) {
            throw new RpcException(RpcException.REFUSED, e.getMessage());
        }
        if (n == 0) {
            throw RpcException.params("no destination " + uri + " in set " + setId);
        }
        log.info("management: remove {} from set {}{} (by {})", uri, setId,
            partition.equals(DEFAULT) ? "" : " of partition " + partition, who);
        return Map.of("removed", n);
    }
}
