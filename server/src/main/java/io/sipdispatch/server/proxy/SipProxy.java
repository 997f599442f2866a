package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationSet;
import io.sipdispatch.dispatcher.DispatchTable;
import io.sipdispatch.dispatcher.SipRequestKey;
import io.sipdispatch.dispatcher.Selection;
import io.sipdispatch.server.config.HostPort;
import io.sipdispatch.server.config.ReplySpec;
import io.sipdispatch.server.config.SipdispatchConfig;
import io.sipdispatch.server.config.Transport;
import io.sipdispatch.server.proxy.ProxyCounters.Drop;
import io.sipdispatch.server.transport.Listener;
import io.sipdispatch.server.transport.MessageSink;
import io.sipdispatch.sip.Header;
import io.sipdispatch.sip.MessageEditor;
import io.sipdispatch.sip.NameAddr;
import io.sipdispatch.sip.SipLimits;
import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParseException;
import io.sipdispatch.sip.SipParser;
import io.sipdispatch.sip.SipUri;
import io.sipdispatch.sip.SipValidator;
import io.sipdispatch.sip.SipValidator.Verdict;
import io.sipdispatch.sip.StatusCodes;
import io.sipdispatch.sip.Via;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy core. In the stateless mode (RFC 3261 §16.11) each message is handled start to finish on the
 * thread that read it, and nothing is kept but the bounded {@link Affinity} memory. In the stateful mode
 * (§16.6–16.10, the default) a request is handed to the event loop that owns its transaction, and the
 * {@link Transactions} layer forwards it, absorbs retransmissions, merges the branches' responses and fails
 * over; ACKs of 2xx responses and CANCELs that match no transaction are still forwarded statelessly.
 *
 * <p>A request is validated (§16.3), checked for loops, routed by its Route set when the top Route names
 * this server (§16.4, loose and strict routing), or else by the first matching rule of the configuration;
 * then forwarded (§16.6) with Max-Forwards decremented, Record-Route (two when the outgoing socket differs
 * from the incoming one), an optional Path (RFC 3327), and a Via whose branch {@link Branches} computes from
 * the request. A response is forwarded when its top Via is ours: the Via is popped and the response sent to
 * the next Via's {@code received}/{@code rport} or sent-by (§16.7, §18.2.2, RFC 3581).
 */
public final class SipProxy implements MessageSink {
    private static final Logger log = LoggerFactory.getLogger(SipProxy.class);

    private final SipValidator validator;
    private final SipLimits limits;
    private final Myself myself;
    private final List<Listener> listeners;
    /** The routes; replaced whole when a reload re-reads them. */
    private volatile Router router;
    private final Supplier<DispatchSnapshot> snapshot;
    private final Affinity affinity;
    private final Outbound out;
    private final ProxyCounters counters;
    private final boolean recordRoute;
    private final FlowTokens flowTokens = new FlowTokens();
    /** Per event loop, the per-source limit ({@code pike}); null without {@code limits.per_source}. */
    private final SourceLimiter[] limiters;
    /** Lower-case fragments of the User-Agents dropped unanswered (scanners). */
    private final List<String> deniedAgents;
    /** How long a socket's reads may stay behind before new requests on it are refused; 0 = never. */
    private final long shedAfterNanos;
    /** How full a socket's kernel queue must be for its reads behind to count as overload. */
    private final float shedFill;
    /** The Retry-After header of a 503 for overload. */
    private final String overloadRetryAfter;
    /** While stopping, the Retry-After seconds new requests are told; null while running. */
    private volatile String stopping;
    /** A socket/sockname attribute value and the listener it names (or none). */
    private final java.util.concurrent.ConcurrentHashMap<String, Listener> namedSockets =
        new java.util.concurrent.ConcurrentHashMap<>();
    /** Whether a route uses round-robin-overload, so that responses are read for RFC 7339 {@code oc}. */
    private volatile boolean overloadControl;
    private final boolean path;
    private final ThreadLocal<SipParser> parsers;
    /** Null when no route is stateful. */
    private final Transactions transactions;
    /** Whether requests routed by their Route set (in-dialog) are forwarded statefully: the top-level mode. */
    private final boolean statefulRouteSet;
    /** Null when probing is off. */
    private final Keepalives keepalives;
    /** Calls counted for call-load; null in a purely stateless configuration. */
    private final CallLoads loads;
    private final long callSweepMillis;
    private final Shards shards;

    public SipProxy(SipdispatchConfig config, List<Listener> listeners, Myself myself, Router router,
                          Supplier<DispatchSnapshot> snapshot, Outbound out, Shards shards, ProxyCounters counters,
                          io.sipdispatch.server.events.DestinationEvents events) {
        this.limits = SipLimits.DEFAULT;
        this.validator = SipValidator.forProxy(config.compliance(), limits);
        this.myself = myself;
        this.listeners = List.copyOf(listeners);
        this.router = router;
        this.overloadControl = router.anyOverloadControl();
        this.snapshot = snapshot;
        this.out = out;
        this.counters = counters;
        this.recordRoute = config.recordRoute();
        this.path = config.path();
        this.affinity = new Affinity(config.dispatcher().affinityCapacity(), config.dispatcher().affinityTtl().toNanos(),
            counters.affinityEvictions);
        this.parsers = ThreadLocal.withInitial(() -> new SipParser(limits));
        this.statefulRouteSet = config.mode() == SipdispatchConfig.ProxyMode.STATEFUL;
        var ds = config.dispatcher();
        this.loads = statefulRouteSet || router.anyStateful()
            ? new CallLoads(ds.callInitExpire().toNanos(), ds.callExpire().toNanos(), MAX_COUNTED_CALLS) : null;
        this.callSweepMillis = Math.max(1000, Math.min(ds.callExpire().toMillis(), ds.callInitExpire().toMillis()) / 4);
        if (statefulRouteSet || router.anyStateful()) {
            var ts = config.transactions();
            this.transactions = new Transactions(shards, new SipTimers(ts.t1(), ts.t2(), ts.t4(), ts.waitTimer()),
                ts.max(), config.dispatcher().probing().threshold(), out, counters, events, loads);
        } else {
            this.transactions = null;
        }
        this.shards = shards;
        var per = config.limits().perSource();
        if (per == null) {
            this.limiters = null;
        } else {
            this.limiters = new SourceLimiter[shards.count() + 1]; // the last: any thread not a loop
            for (int i = 0; i < limiters.length; i++) {
                limiters[i] = new SourceLimiter(per);
            }
        }
        this.deniedAgents = config.limits().denyUserAgents();
        var overload = config.limits().overload();
        this.shedAfterNanos = overload.shedAfter().toNanos();
        this.shedFill = overload.queueFill() / 100f;
        this.overloadRetryAfter = "Retry-After: " + overload.retryAfter().toSeconds();
        java.util.Map<String, io.sipdispatch.server.config.ProbingSettings> probing = new java.util.LinkedHashMap<>();
        config.dispatcher().allPartitions().forEach((name, p) -> {
            if (p.probing().enabled()) {
                probing.put(name, p.probing());
            }
        });
        this.keepalives = !probing.isEmpty()
            ? new Keepalives(probing, snapshot, shards, out,
                (d, t) -> listenerFor(d, t, this.listeners.get(0)),
                d -> {
                    if (transactions != null) {
                        transactions.destinationDown(d);
                    }
                },
                d -> d.startSlowStart(System.nanoTime(), config.dispatcher().slowStart().toNanos()),
                counters, events, config.dispatcher().latencyEstimatorAlpha())
            : null;
    }

    /**
     * Stops taking new requests: each one out of a dialog is answered {@code 503} with {@code Retry-After:
     * retryAfterSeconds}, while transactions under way, in-dialog requests and responses go on.
     */
    public void stopTakingRequests(long retryAfterSeconds) {
        stopping = Long.toString(retryAfterSeconds);
    }

    /**
     * Puts re-read routes in use. Refused (with the reason) when they need what this server was not started
     * with: a stateful route in a server started without one has no transaction layer.
     *
     * @throws IllegalArgumentException saying why the running routes stay
     */
    public void setRouter(Router next) {
        if (next.anyStateful() && transactions == null) {
            throw new IllegalArgumentException("a route is stateful, but the server was started with only"
                + " stateless routes and has no transaction layer: restart to use them");
        }
        this.router = next;
        this.overloadControl = next.anyOverloadControl();
    }

    private static boolean isResponse(byte[] b, int off, int len) {
        return len > 8 && b[off] == 'S' && b[off + 1] == 'I' && b[off + 2] == 'P' && b[off + 3] == '/';
    }

    /** Whether the source may send this request: its rate, unless it is one of our destinations. */
    private boolean allowed(InetSocketAddress source) {
        if (!snapshot.get().at(source).isEmpty()) {
            return true; // a destination (its in-dialog requests, its NOTIFYs) is never limited as a caller
        }
        int shard = shards.current();
        SourceLimiter l = limiters[shard < 0 ? limiters.length - 1 : shard];
        if (shard < 0) {
            synchronized (l) {
                return l.allow(source.getAddress(), System.nanoTime());
            }
        }
        return l.allow(source.getAddress(), System.nanoTime());
    }

    /** Whether {@code m} comes from a scanner on the deny list (by its User-Agent). */
    private boolean deniedAgent(SipMessage m) {
        if (deniedAgents.isEmpty() || !m.has(Header.USER_AGENT)) {
            return false;
        }
        String ua = m.first("User-Agent");
        if (ua == null) {
            return false;
        }
        String lower = ua.toLowerCase(java.util.Locale.ROOT);
        for (String d : deniedAgents) {
            if (lower.contains(d)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code d} was found dead elsewhere (another node of the cluster): the branches still waiting on it here
     * fail over now rather than at their timers, as when this node marks it.
     */
    public void destinationDown(Destination d) {
        if (transactions != null) {
            transactions.destinationDown(d);
        }
    }

    /** The keepalives, or null when no probing interval is configured. */
    public Keepalives keepalives() {
        return keepalives;
    }

    /** Starts keepalive probing, when configured, and the call-load expiry; once the sockets are bound. */
    public void startKeepalives() {
        if (keepalives != null) {
            keepalives.start();
        }
        if (loads != null) {
            sweepCalls();
        }
    }

    private void sweepCalls() {
        shards.scheduler(0).schedule(callSweepMillis, () -> {
            loads.expire(System.nanoTime());
            sweepCalls();
        });
    }

    /** The most calls counted for call-load at once; beyond, a call is not counted. */
    static final int MAX_COUNTED_CALLS = 1 << 20;

    /** Calls counted for call-load now (0 without the stateful mode). */
    public int countedCalls() {
        return loads == null ? 0 : loads.size();
    }

    /** The transaction layer, or null in a purely stateless configuration. */
    public Transactions transactions() {
        return transactions;
    }

    public ProxyCounters counters() {
        return counters;
    }

    /**
     * Handles one message: a UDP datagram or one message framed from a stream. {@code buf} is only read
     * during the call. {@code connection} is the stream connection it came on, null for UDP.
     */
    @Override
    public void onMessage(byte[] buf, int off, int len, Listener in, InetSocketAddress source, Object connection) {
        if (limiters != null && !isResponse(buf, off, len) && !allowed(source)) {
            counters.dropped(Drop.RATE_LIMITED); // before parsing: a flood costs a map lookup each
            return;
        }
        SipParser parser = parsers.get();
        SipMessage m;
        if (transactions != null) {
            // A transaction keeps its request, and a message may move to another loop: its own bytes.
            buf = Arrays.copyOfRange(buf, off, off + len);
            off = 0;
        }
        try {
            m = connection == null ? parser.parseDatagram(buf, off, len) : parser.parseFrame(buf, off, len);
        } catch (SipParseException e) {
            Verdict v = SipValidator.of(e);
            counters.rejected(v.violation());
            if (!v.drop() && e.partial() != null && !"ACK".equals(e.partial().method())) {
                reply(e.partial(), in, source, connection, v.statusCode(), StatusCodes.reasonPhrase(v.statusCode()), null);
            } else {
                counters.dropped(Drop.UNPARSEABLE);
            }
            return;
        }
        if (m.isRequest()) {
            counters.requestsIn.increment();
            counters.request(m.method());
            if (deniedAgent(m)) {
                counters.dropped(Drop.SCANNER); // unanswered: a scanner learns nothing, not even that we exist
                return;
            }
        } else {
            counters.responsesIn.increment();
            counters.response(m.statusCode());
        }
        handle(m, in, source, connection, false);
    }

    /**
     * Handles a parsed message; {@code owned} when it has been handed to the loop that owns its transaction,
     * after validation.
     */
    private void handle(SipMessage m, Listener in, InetSocketAddress source, Object connection, boolean owned) {
        try {
            if (m.isRequest()) {
                if (owned) {
                    route(m, in, source, connection, Branches.transactionHash(m, m.topVia()));
                } else {
                    request(m, in, source, connection);
                }
            } else if (owned) {
                ownedResponse(m);
            } else {
                response(m, source);
            }
        } catch (SipParseException e) {
            // A value the validator let through but a later step could not read: answer as the validator would.
            counters.rejected(e.violation());
            if (m.isRequest() && !"ACK".equals(m.method())) {
                int code = e.violation().statusCode() == 0 ? 400 : e.violation().statusCode();
                reply(m, in, source, connection, code, StatusCodes.reasonPhrase(code), null);
            }
        } catch (RuntimeException e) {
            counters.dropped(Drop.INTERNAL_ERROR);
            log.debug("message from {} dropped", source, e);
        }
    }

    @Override
    public void unreachable(Listener via, InetSocketAddress peer) {
        if (transactions != null) {
            transactions.unreachable(peer);
        }
        if (keepalives != null) {
            keepalives.unreachable(peer);
        }
    }

    // ---- requests -------------------------------------------------------------------------------------

    private void request(SipMessage m, Listener in, InetSocketAddress source, Object connection) throws SipParseException {
        boolean ack = "ACK".equals(m.method());
        Verdict v = validator.validate(m);
        if (!v.ok()) {
            counters.rejected(v.violation());
            if (!ack && !v.drop()) {
                reply(m, in, source, connection, v.statusCode(), StatusCodes.reasonPhrase(v.statusCode()),
                    v.statusCode() == 420 ? Replies.unsupported(v.unsupported()) : null);
            } else {
                counters.dropped(ack ? Drop.ACK_NOT_FORWARDED : Drop.UNPARSEABLE);
            }
            return;
        }
        if (shedAfterNanos > 0 && connection == null && !ack && overloaded() && isNew(m)) {
            // Overloaded: refusing a new call costs a parse and one datagram; taking it would cost a dozen
            // more, and the datagrams of the calls under way would be dropped with everything else.
            counters.refusedOverload.increment();
            reply(m, in, source, connection, 503, "Service Unavailable", overloadRetryAfter);
            return;
        }
        long txn = Branches.transactionHash(m, m.topVia());
        if (transactions != null && !transactions.onOwner(txn)) {
            transactions.handOver(txn, () -> handle(m, in, source, connection, true));
            return;
        }
        route(m, in, source, connection, txn);
    }

    /** A valid request whose transaction hash is {@code txn}, on the loop that owns its transaction. */
    private void route(SipMessage m, Listener in, InetSocketAddress source, Object connection, long txn)
        throws SipParseException {
        boolean ack = "ACK".equals(m.method());
        // The Route values are read once: for the loop hash and for routing by them.
        List<String> routes = m.has(Header.ROUTE) ? m.values(Header.ROUTE) : List.of();
        long loop = Branches.loopHash(m, routes);
        if (looped(m, loop)) {
            counters.loops.increment();
            if (!ack) {
                reply(m, in, source, connection, 482, "Loop Detected", null);
            }
            return;
        }
        if (loads != null && "BYE".equals(m.method())) {
            loads.ended(m.callId()); // the call's count goes back, whatever else happens to the BYE
        }
        if (transactions != null) {
            if (transactions.matchRequest(m, txn, in, source, connection)) {
                return;
            }
        }
        if (ack && Replies.acksOwnReply(m)) {
            // The ACK of a 4xx-6xx this server sent without a transaction (403, 503 when overloaded or
            // stopping…) is hop by hop and ends here; forwarding it would cost a send under load for nothing.
            counters.acksAbsorbed.increment();
            return;
        }
        boolean newTransaction = !ack && !"CANCEL".equals(m.method());
        if (stopping != null && newTransaction && !hasToTag(m)) {
            // Stopping: no new call or transaction out of dialog; what is under way, and dialogs, go on.
            counters.refusedStopping.increment();
            reply(m, in, source, connection, 503, "Service Unavailable", "Retry-After: " + stopping);
            return;
        }
        MessageEditor ed = m.edit();
        List<String>[] left = new List[] {routes};
        Forwarding fwd = routeByRouteSet(m, ed, routes, source, left);
        routes = left[0];
        if (fwd != null && statefulRouteSet && newTransaction
            && startFixed(m, ed, txn, loop, fwd, in, source, connection)) {
            return;
        }
        String viaParams = "";
        if (fwd == null) {
            DispatchSnapshot snap = snapshot.get();
            long now = System.nanoTime();
            fwd = affinity.recall(txn, now);
            if (fwd != null) {
                counters.affinityHits.increment();
            } else {
                if (ack || "CANCEL".equals(m.method())) {
                    counters.affinityMisses.increment();
                }
                Rule rule = router.match(m, source, snap);
                if (rule == null) {
                    if (!ack) {
                        reply(m, in, source, connection, 403, "Forbidden", null);
                    }
                    return;
                }
                Rule.Action action = rule.action();
                if (action instanceof Rule.Reply r) {
                    if (!ack) {
                        reply(m, in, source, connection, r.reply().code(), r.reply().reason(), null);
                    }
                    return;
                } else if (action instanceof Rule.Dispatch d && rule.stateful() && newTransaction) {
                    DispatchPlan plan = new DispatchPlan(m, d, rule, in, source, connection != null, snap);
                    Hop first = plan.next();
                    if (first == null) {
                        counters.noDestination.increment();
                        ReplySpec none = d.whenNoneLeft();
                        reply(m, in, source, connection, none.code(), none.reason(), null);
                        return;
                    }
                    startTransaction(m, txn, loop, in, source, connection, plan, first);
                    return;
                } else if (action instanceof Rule.Dispatch d) {
                    fwd = new Candidates(m, d, rule, in, source, snap, false).next();
                    if (fwd != null && fwd.destination() != null) {
                        fwd.destination().countSelection();
                        if ("INVITE".equals(m.method())) {
                            fwd.destination().callSent();
                        }
                    }
                    viaParams = d.overloadControl() ? OverloadControl.OFFER : "";
                    if (fwd == null) {
                        counters.noDestination.increment();
                        if (!ack) {
                            ReplySpec none = d.whenNoneLeft();
                            reply(m, in, source, connection, none.code(), none.reason(), null);
                        }
                        return;
                    }
                } else {
                    fwd = relay(m, routes);
                    if (fwd != null && rule.blacklisted(snap, fwd.target().address().getAddress())) {
                        counters.blacklisted.increment();
                        if (!ack) {
                            reply(m, in, source, connection, 403, "Destination blacklisted", null);
                        }
                        return;
                    }
                    if (fwd != null && rule.stateful() && newTransaction
                        && startFixed(m, ed, txn, loop, fwd, in, source, connection)) {
                        return;
                    }
                }
                if (fwd == null) {
                    counters.dropped(Drop.UNREACHABLE_NEXT_HOP);
                    if (!ack) {
                        reply(m, in, source, connection, 478, "Unresolvable destination", null);
                    }
                    return;
                }
                if (!ack) {
                    affinity.remember(txn, fwd, now);
                }
            }
            if (fwd.rewroteRequestUri()) {
                ed.setRequestUriHostPort(hostOf(fwd.target().hostPort()), fwd.target().address().getPort());
            }
        }
        Target target = fwd.target();
        if (target == null) {
            counters.dropped(Drop.UNREACHABLE_NEXT_HOP);
            if (!ack) {
                reply(m, in, source, connection, 478, "Unresolvable destination", null);
            }
            return;
        }
        // An ACK may go from a stream to UDP statelessly: the caller retransmits it for every retransmitted
        // 2xx (RFC 3261 §13.2.2.4), so nobody is left waiting on a lost one, as a lost request would be.
        if (!(ack ? reachable(target, in) : usable(target, in))) {
            counters.dropped(Drop.UNUSABLE_TRANSPORT);
            if (!ack) {
                reply(m, in, source, connection, 503, "Service Unavailable", null);
            }
            return;
        }
        Listener outL = listenerFor(fwd.destination(), target, in);
        if (outL == null) {
            counters.dropped(Drop.UNUSABLE_TRANSPORT);
            if (!ack) {
                reply(m, in, source, connection, 503, "Service Unavailable", null);
            }
            return;
        }
        forward(m, ed, in, source, connection, outL, target, Branches.branch(txn, loop), viaParams);
    }

    /**
     * Starts a transaction for a request with one next hop (routed by its Route set, or relayed); false when
     * no socket here reaches it, and the stateless path answers.
     */
    private boolean startFixed(SipMessage m, MessageEditor ed, long txn, long loop, Forwarding fwd,
                               Listener in, InetSocketAddress source, Object connection) {
        Target t = fwd.target();
        if (t == null || !reachable(t, in)) {
            return false;
        }
        Hop hop = new Hop(fwd, listenerFor(t.transport(), t.address().getAddress(), in));
        startTransaction(m, txn, loop, in, source, connection, new FixedPlan(m, ed, in, source, connection != null), hop);
        return true;
    }

    /** Hands a new request to the transaction layer, unless its table is full (503, RFC 3261 §21.5.4). */
    private void startTransaction(SipMessage m, long txn, long loop, Listener in, InetSocketAddress source,
                                  Object connection, Plan plan, Hop first) {
        Upstream up = Upstream.of(m, in, source, connection);
        if (!transactions.hasRoom(txn)) {
            if (plan.countsCalls() && first.forwarding().destination() != null) {
                loads.released(m.callId(), first.forwarding().destination());
            }
            counters.transactionsRefused.increment();
            up.send(out, up.reply(m, 503, "Service Unavailable", "Retry-After: 5"));
            counters.repliesSent.increment();
            return;
        }
        transactions.start(m, txn, loop, up, plan, first);
    }

    /**
     * The destinations of a dispatch rule, set after set, in each set's selection order. A destination is
     * checked when its turn comes, so that a mark made meanwhile (by this request's own failover or any
     * other) is seen at once.
     */
    private final class Candidates {
        private final SipMessage m;
        private final Rule.Dispatch d;
        private final Rule rule;
        private final Listener in;
        private final InetSocketAddress source;
        private final DispatchSnapshot snap;
        private final boolean stateful;
        private SipRequestKey key;
        private int step;
        private List<Destination> current;
        private int pos;

        Candidates(SipMessage m, Rule.Dispatch d, Rule rule, Listener in, InetSocketAddress source,
                   DispatchSnapshot snap, boolean stateful) {
            this.m = m;
            this.d = d;
            this.rule = rule;
            this.in = in;
            this.source = source;
            this.snap = snap;
            this.stateful = stateful;
        }

        /**
         * The next hop for {@code dest} that this server can reach and the route may use: the one chosen for
         * it (for a name, by SRV priority and weight), else the first of its other next hops that is.
         */
        private Forwarding usableForwarding(Destination dest) {
            boolean rewrite = d.spec().rewriteRequestUri();
            Forwarding chosen = snap.forwarding(dest, rewrite);
            if (chosen == null) {
                return null;
            }
            if (fits(chosen.target())) {
                return chosen;
            }
            for (Forwarding f : snap.forwardings(dest, rewrite)) {
                if (f != chosen && fits(f.target())) {
                    return f;
                }
            }
            return null;
        }

        private boolean fits(Target t) {
            return (stateful ? reachable(t, in) : usable(t, in)) && !rule.blacklisted(snap, t.address().getAddress());
        }

        Forwarding next() {
            while (true) {
                if (current == null) {
                    if (step >= d.steps().size()) {
                        return null;
                    }
                    Rule.Step st = d.steps().get(step++);
                    DispatchTable table = snap.table(st.partition());
                    DestinationSet set = table == null ? null : table.set(st.set());
                    if (set == null) {
                        continue;
                    }
                    if (key == null) {
                        key = new SipRequestKey(m, source.getAddress().getHostAddress(), source.getPort(),
                            d.spec().userOnly());
                    }
                    current = Selection.select(set, st.algorithm(), key, d.spec().useDefault(),
                        !stateful || d.spec().keepsFailoverList() || st.algorithm().parallel(), d.spec().maxResults())
                        .candidates();
                    pos = 0;
                }
                while (pos < current.size()) {
                    Destination dest = current.get(pos++);
                    if (pos > 1 && !dest.selectable()) {
                        continue; // marked since the selection was made
                    }
                    Forwarding f = usableForwarding(dest);
                    if (f != null) {
                        return f;
                    }
                }
                current = null;
            }
        }
    }

    /** The plan of a stateful dispatch: the rule's destinations, each branch written for its own. */
    private final class DispatchPlan implements Plan {
        private final SipMessage m;
        private final Rule.Dispatch d;
        private final Listener in;
        private final InetSocketAddress source;
        private final boolean stream;
        private final Candidates candidates;
        private final boolean invite;

        DispatchPlan(SipMessage m, Rule.Dispatch d, Rule rule, Listener in, InetSocketAddress source,
                     boolean stream, DispatchSnapshot snap) {
            this.m = m;
            this.d = d;
            this.in = in;
            this.source = source;
            this.stream = stream;
            this.candidates = new Candidates(m, d, rule, in, source, snap, true);
            this.invite = "INVITE".equals(m.method());
        }

        /**
         * The next destination; for call-load its call is counted here, as it is chosen, and a destination
         * that another loop filled meanwhile is passed over.
         */
        @Override
        public Hop next() {
            while (true) {
                Forwarding f = candidates.next();
                if (f == null) {
                    return null;
                }
                if (countsCalls() && f.destination() != null
                    && !loads.dispatched(m.callId(), f.destination(), d.resources(), System.nanoTime())) {
                    continue;
                }
                Target t = f.target();
                Listener out = listenerFor(f.destination(), t, in);
                if (out == null) {
                    continue; // no socket reaches it (checked when chosen; kept as a guard)
                }
                if (f.destination() != null) {
                    f.destination().countSelection();
                    if (invite) {
                        f.destination().callSent(); // counted in its load until its next report
                    }
                }
                return new Hop(f, out);
            }
        }

        @Override
        public byte[] write(Hop hop, String branch, int maxBreadth) throws SipParseException {
            MessageEditor ed = m.edit();
            if (hop.forwarding().rewroteRequestUri()) {
                ed.setRequestUriHostPort(hostOf(hop.target().hostPort()), hop.target().address().getPort());
            }
            if (maxBreadth >= 0) {
                ed.removeHeader("Max-Breadth");
                ed.addHeader("Max-Breadth", Integer.toString(maxBreadth));
            }
            return forwardBytes(m, ed, in, source, stream, hop.out(), hop.target(), branch,
                d.overloadControl() ? OverloadControl.OFFER : "");
        }

        @Override
        public Failover failover() {
            return d.failover();
        }

        @Override
        public ReplySpec whenNoneLeft() {
            return d.whenNoneLeft();
        }

        @Override
        public boolean parallel() {
            return d.parallel();
        }

        @Override
        public boolean countsCalls() {
            return d.countsCalls() && "INVITE".equals(m.method());
        }
    }

    /** The plan of a request with one next hop (routed by its Route set, or relayed): no failover. */
    private final class FixedPlan implements Plan {
        private final SipMessage m;
        private final MessageEditor ed;
        private final Listener in;
        private final InetSocketAddress source;
        private final boolean stream;

        FixedPlan(SipMessage m, MessageEditor ed, Listener in, InetSocketAddress source, boolean stream) {
            this.m = m;
            this.ed = ed;
            this.in = in;
            this.source = source;
            this.stream = stream;
        }

        @Override
        public Hop next() {
            return null;
        }

        @Override
        public byte[] write(Hop hop, String branch, int maxBreadth) throws SipParseException {
            return forwardBytes(m, ed, in, source, stream, hop.out(), hop.target(), branch, "");
        }
    }

    /**
     * Loop detection (RFC 3261 §16.3 item 4): a Via of ours below the top one whose loop hash is what this
     * request would get now. Cheap when, as almost always, the request carries one Via.
     */
    private boolean looped(SipMessage m, long loop) throws SipParseException {
        if (m.lineCount(Header.VIA) == 1 && m.first(Header.VIA).indexOf(',') < 0) {
            return false;
        }
        List<Via> vias = m.vias();
        for (int i = 1; i < vias.size(); i++) {
            Via v = vias.get(i);
            if (Branches.ours(v.branch()) && Branches.loopHashOf(v.branch()) == loop
                && myself.matches(v.host(), v.port(), false)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Loose routing (RFC 3261 §16.4, §16.12): when the top Route names this server, its entries are removed
     * (both of a double Record-Route) and the request goes to the next Route or, with none left, to the
     * Request-URI. A Request-URI naming this server with a Route set means the previous hop was a strict
     * router: the last Route becomes the Request-URI. A next hop without {@code lr} is a strict router:
     * it becomes the Request-URI and the Request-URI goes last in the Route set (§16.6 step 6). A Route of ours
     * carrying a flow token sends the request on that flow's connection when nothing else is left to route by
     * and the request did not come on that flow (RFC 5626 §5.3).
     *
     * @param left     set to the Route values left once this server's are taken off, for the rules' relay
     * @return where to send, or null when the Route set does not name this server, or the request is out of a
     *         dialog (the rules decide)
     */
    private Forwarding routeByRouteSet(SipMessage m, MessageEditor ed, List<String> received, InetSocketAddress source,
                                       List<String>[] left) throws SipParseException {
        if (received.isEmpty()) {
            return null;
        }
        List<String> routes = new ArrayList<>(received);
        String ruri = m.requestUriString();
        boolean changed = false;
        SipUri requestUri = m.requestUri();
        if (requestUri.isSip() && requestUri.user() == null
            && myself.matches(requestUri.host(), requestUri.port(), requestUri.isSips())) {
            ruri = uriOf(routes.remove(routes.size() - 1));
            changed = true;
        }
        int ours = 0;
        // A flow is followed only within a dialog: a Route of ours is no licence to reach a caller otherwise.
        boolean inDialog = hasToTag(m);
        FlowTokens.Flow flow = null;
        while (ours < routes.size() && isMyself(routes.get(ours))) {
            FlowTokens.Flow f = inDialog ? flowTokens.decode(NameAddr.parse(routes.get(ours)).uri().user()) : null;
            if (f != null && !f.remote().equals(source)) {
                flow = f;
            }
            ours++;
        }
        if (ours == 0 && !changed) {
            return null;
        }
        routes.subList(0, ours).clear();
        if (!inDialog) {
            // A Route naming this server on a request out of a dialog (a phone's outbound proxy setting) is
            // taken off, and the rules decide: a preloaded Route is no way around them (no open relay).
            rewriteRoutes(m, ed, routes, ours, changed, ruri);
            left[0] = routes;
            return null;
        }
        Target next;
        if (flow != null && routes.isEmpty()) {
            // Back to a TLS or WebSocket caller: on its connection, which its Contact cannot name.
            rewriteRoutes(m, ed, routes, ours, changed, ruri);
            InetSocketAddress to = flow.remote();
            String host = to.getAddress().getHostAddress();
            return new Forwarding(null, new Target(flow.transport(), to,
                (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + to.getPort(), flow.transport().secure()),
                false);
        }
        if (!routes.isEmpty()) {
            SipUri first = NameAddr.parse(routes.get(0)).uri();
            next = Target.of(first);
            if (!first.lr()) {
                routes.remove(0);
                routes.add("<" + ruri + ">");
                ruri = first.toString();
                changed = true;
            }
        } else {
            SipUri u = SipUri.parse(ruri);
            if (u.isSip() && myself.matches(u.host(), u.port(), u.isSips())) {
                // Addressed to this server with nothing left to route by: the rules decide.
                rewriteRoutes(m, ed, routes, ours, changed, ruri);
                return null;
            }
            next = Target.of(u);
        }
        rewriteRoutes(m, ed, routes, ours, changed, ruri);
        return new Forwarding(null, next, false); // a null target is answered 478 by the caller
    }

    private void rewriteRoutes(SipMessage m, MessageEditor ed, List<String> remaining, int popped, boolean changed,
                               String ruri) {
        if (!changed && popped == 1 && m.lineCount(Header.ROUTE) >= 1) {
            ed.popRoute();
            return;
        }
        ed.removeHeader(Header.ROUTE);
        if (!remaining.isEmpty()) {
            ed.addHeaderFirst("Route", String.join(", ", remaining));
        }
        if (changed) {
            ed.setRequestUri(ruri);
        }
    }

    private boolean isMyself(String route) {
        try {
            SipUri u = NameAddr.parse(route).uri();
            return u.isSip() && myself.matches(u.host(), u.port(), u.isSips());
        } catch (SipParseException e) {
            return false;
        }
    }

    private static String uriOf(String nameAddr) throws SipParseException {
        return NameAddr.parse(nameAddr).uri().toString();
    }

    /** Relay as addressed: the top Route when there is one (not ours), else the Request-URI. */
    private Forwarding relay(SipMessage m, List<String> routes) throws SipParseException {
        Target t;
        if (!routes.isEmpty()) {
            t = Target.of(NameAddr.parse(routes.get(0)).uri());
        } else {
            t = Target.of(m.requestUri());
        }
        return t == null ? null : new Forwarding(null, t, false);
    }

    /**
     * Whether a request that came in on {@code in} may go to {@code t} statelessly: over a transport this server
     * listens on (TLS only from a TLS listen address), and not from a reliable transport to UDP, since a
     * stateless proxy would leave the request without anyone to retransmit it (RFC 3261 §16.11; the stateful
     * mode does that).
     */
    private boolean usable(Target t, Listener in) {
        if (t == null) {
            return false;
        }
        if (in.transport().reliable() && !t.transport().reliable()) {
            return false;
        }
        return listenerFor(t.transport(), t.address().getAddress(), in) != null;
    }

    /** Whether a stateful branch can go to {@code t}: any transport sipdispatch listens on. */
    private boolean reachable(Target t, Listener in) {
        return t != null && listenerFor(t.transport(), t.address().getAddress(), in) != null;
    }

    /** The socket to send from: the incoming one when it fits, else the first of the transport and family. */
    /**
     * The socket traffic to destination {@code d} (null for none) at {@code t} leaves from: the one its
     * {@code socket} or {@code sockname} attribute names (Kamailio's per-destination socket), else one of the
     * target's transport and address family, the receiving socket first.
     */
    Listener listenerFor(Destination d, Target t, Listener in) {
        if (d != null && d.namesSocket()) {
            Listener own = namedSocket(d.record().attrs().socket(), d.record().attrs().sockname());
            if (own != null && own.transport() == t.transport()
                && own.ipv6() == (t.address().getAddress() instanceof Inet6Address)) {
                return own;
            }
        }
        return listenerFor(t.transport(), t.address().getAddress(), in);
    }

    private Listener namedSocket(String socket, String sockname) {
        String key = sockname != null ? "name:" + sockname : socket;
        Listener cached = namedSockets.get(key);
        if (cached != null || namedSockets.containsKey(key)) {
            return cached;
        }
        Listener found = null;
        for (Listener l : listeners) {
            if (l.named(socket, sockname)) {
                found = l;
                break;
            }
        }
        if (namedSockets.size() < 1024) {
            namedSockets.put(key, found); // listeners never change: worked out once per attribute value
        }
        return found;
    }

    private Listener listenerFor(Transport t, InetAddress to, Listener in) {
        boolean v6 = to instanceof Inet6Address;
        if (in.transport() == t && in.ipv6() == v6) {
            return in;
        }
        for (Listener l : listeners) {
            if (l.transport() == t && l.ipv6() == v6) {
                return l;
            }
        }
        return null;
    }

    private void forward(SipMessage m, MessageEditor ed, Listener in, InetSocketAddress source, Object connection,
                         Listener outL, Target target, String branch, String viaParams) throws SipParseException {
        byte[] bytes = forwardBytes(m, ed, in, source, connection != null, outL, target, branch, viaParams);
        out.send(outL, target.address(), bytes, null);
        counters.requestsForwarded.increment();
    }

    /** §16.6 steps 3–8 on {@code ed}: the request as it leaves for {@code target} with branch {@code branch}. */
    private byte[] forwardBytes(SipMessage m, MessageEditor ed, Listener in, InetSocketAddress source, boolean stream,
                                Listener outL, Target target, String branch, String viaParams)
        throws SipParseException {
        // §16.6 step 3: Max-Forwards (the validator has refused 0).
        if (m.has(Header.MAX_FORWARDS)) {
            ed.decrementMaxForwards();
        } else {
            ed.setMaxForwards(70);
        }
        InetAddress src = source.getAddress();
        InetAddress dst = target.address().getAddress();
        String method = m.method();
        if (recordRoute && dialogForming(method) && !hasToTag(m)) {
            // §16.6 step 4; two entries when the request changes socket, so each side routes to its own.
            // Edits at one place come out in the order made: the outgoing side first, so that it ends on top.
            boolean twice = outL != in;
            if (twice) {
                ed.pushRecordRoute(rrUri(outL, dst, true, null));
            }
            // Towards a caller on a connection this server cannot open again, the flow's token.
            String token = in.transport().secure() || in.transport().webSocket()
                ? flowTokens.encode(in.transport(), source) : null;
            ed.pushRecordRoute(rrUri(in, src, twice, token));
        }
        if (path && "REGISTER".equals(method)) {
            ed.addHeaderFirst("Path", "<" + rrUri(outL, dst, false, null) + ">");
        }
        recordSource(m, ed, source, stream);
        ed.pushVia("SIP/2.0/" + outL.transport().viaName() + " " + outL.hostPort(dst) + ";branch=" + branch + viaParams);
        return ed.toBytes();
    }

    /**
     * §18.2.1 and RFC 3581: {@code received} when the sent-by is not the source address, and {@code rport}
     * when the client asked for it. Over a stream both are always written, so that the response finds the
     * connection the request came on (§18.2.2) from the Via alone.
     */
    private static void recordSource(SipMessage m, MessageEditor ed, InetSocketAddress source, boolean stream)
        throws SipParseException {
        Via top = m.topVia();
        String srcIp = source.getAddress().getHostAddress();
        int pct = srcIp.indexOf('%');
        if (pct >= 0) {
            srcIp = srcIp.substring(0, pct);
        }
        boolean rport = stream || top.hasRport();
        boolean sameHost = sameAddress(top.host(), source.getAddress());
        if (rport) {
            ed.setTopViaReceived(srcIp, source.getPort());
        } else if (!sameHost) {
            ed.setTopViaReceived(srcIp, -1);
        }
    }

    static boolean sameAddress(String host, InetAddress a) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (a instanceof Inet6Address) {
            if (h.indexOf(':') < 0) {
                return false;
            }
            try {
                return InetAddress.getByName(h).equals(a);
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return h.equals(a.getHostAddress());
    }

    private static String rrUri(Listener l, InetAddress peer, boolean r2, String flowToken) {
        StringBuilder sb = new StringBuilder(48).append("sip:");
        if (flowToken != null) {
            sb.append(flowToken).append('@');
        }
        sb.append(l.hostPort(peer));
        if (l.transport() != Transport.UDP) {
            sb.append(";transport=").append(l.transport().paramName());
        }
        if (r2) {
            sb.append(";r2=on");
        }
        return sb.append(";lr").toString();
    }

    private static boolean dialogForming(String method) {
        return switch (method) {
            case "INVITE", "SUBSCRIBE", "REFER", "NOTIFY" -> true;
            default -> false;
        };
    }

    /**
     * Whether the socket of the datagram being handled is overloaded: its reads behind for longer than
     * {@code shed_after}, and its kernel queue at least {@code queue_fill} full and not shrinking (where the
     * queue cannot be seen, reads behind decide). A queue that a pause filled shrinks once the reads go on,
     * however full it is, when the load is one the server can carry: the calls in it are no excess.
     */
    private boolean overloaded() {
        if (out.behindNanos() <= shedAfterNanos) {
            return false;
        }
        float fill = out.queueFill();
        return fill < 0 || (fill >= shedFill && !out.queueShrinking());
    }

    /** A request that starts something: out of any dialog, and neither an ACK nor a CANCEL. */
    private static boolean isNew(SipMessage m) throws SipParseException {
        return !"CANCEL".equals(m.method()) && !hasToTag(m);
    }

    private static boolean hasToTag(SipMessage m) throws SipParseException {
        NameAddr to = m.to();
        return to != null && to.tag() != null;
    }

    private static String hostOf(String hostPort) {
        int c = hostPort.lastIndexOf(':');
        return hostPort.substring(0, c);
    }

    // ---- responses ------------------------------------------------------------------------------------

    private void response(SipMessage m, InetSocketAddress source) throws SipParseException {
        Verdict v = validator.validate(m);
        if (!v.ok()) {
            counters.rejected(v.violation());
            counters.dropped(Drop.INVALID_RESPONSE);
            return;
        }
        Via top = m.topVia();
        if (keepalives != null && Keepalives.isProbe(top.branch()) && myself.matches(top.host(), top.port(), false)) {
            int owner = keepalives.ownerOf(top.branch());
            if (owner >= 0 && owner != shards.current()) {
                counters.handovers.increment();
                shards.execute(owner, () -> keepalives.response(m));
            } else {
                keepalives.response(m);
            }
            return;
        }
        if (!Branches.ours(top.branch()) || !myself.matches(top.host(), top.port(), false)) {
            counters.dropped(Drop.RESPONSE_NOT_OURS);
            return;
        }
        if (overloadControl && source != null) {
            overloadControl(top, source);
        }
        if (transactions != null && Branches.branchIndexOf(top.branch()) >= 0) {
            long key = Branches.transactionHashOf(top.branch());
            if (!transactions.onOwner(key)) {
                transactions.handOver(key, () -> handle(m, null, null, null, true));
                return;
            }
            ownedResponse(m);
            return;
        }
        relayStateless(m);
    }

    /**
     * RFC 7339: what a destination says of its overload in our Via applies to every destination at its
     * address (one server under several URIs is one server), whichever mode forwarded the request.
     */
    private void overloadControl(Via ours, InetSocketAddress source) {
        if (!ours.params().has("oc")) {
            return; // most responses: no map lookup
        }
        List<Destination> ds = snapshot.get().at(source);
        if (ds.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (Destination d : ds) {
            if (OverloadControl.apply(ours, d, now)) {
                counters.overloadUpdates.increment();
            }
        }
    }

    /** A valid response to a stateful branch of ours, on the loop that owns its transaction. */
    private void ownedResponse(SipMessage m) throws SipParseException {
        String branch = m.topVia().branch();
        if (!transactions.response(m, Branches.transactionHashOf(branch), Branches.branchIndexOf(branch))) {
            relayStateless(m); // no transaction: forwarded statelessly (RFC 3261 §16.7)
        }
    }

    /** §16.11: the top Via popped, the response sent where the next Via says. */
    private void relayStateless(SipMessage m) throws SipParseException {
        List<Via> vias = m.vias();
        if (vias.size() < 2) {
            counters.dropped(Drop.RESPONSE_NO_NEXT_VIA);
            return;
        }
        Via next = vias.get(1);
        Transport t = Transport.of(next.transport());
        String host = next.received() != null ? next.received() : next.host();
        int port = next.rport() > 0 ? next.rport() : (next.port() > 0 ? next.port() : 5060);
        InetAddress addr = literal(host);
        if (t == null || addr == null) {
            counters.dropped(Drop.UNREACHABLE_NEXT_HOP);
            return;
        }
        Listener outL = listenerFor(t, addr, listeners.get(0));
        if (outL == null) {
            counters.dropped(Drop.UNUSABLE_TRANSPORT);
            return;
        }
        byte[] bytes = m.edit().popVia().toBytes();
        if (t.reliable()) {
            int sentByPort = next.port() > 0 ? next.port() : 5060;
            out.sendResponse(outL, new InetSocketAddress(addr, port), new InetSocketAddress(addr, sentByPort), bytes);
        } else {
            out.send(outL, new InetSocketAddress(addr, port), bytes, null);
        }
        counters.responsesForwarded.increment();
    }

    /** An IP address written as text, without a lookup; null for a name. */
    static InetAddress literal(String host) {
        HostPort hp = new HostPort(host, 0);
        if (!hp.isIpLiteral()) {
            return null;
        }
        try {
            return InetAddress.getByName(hp.literal()); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }

    // ---- our own replies ------------------------------------------------------------------------------

    /**
     * Answers {@code req} statelessly: over a stream on its connection, over UDP to the source address and
     * to the source port when the client asked for rport, else to the sent-by port (RFC 3261 §18.2.2, RFC 3581).
     */
    private void reply(SipMessage req, Listener in, InetSocketAddress source, Object connection, int code,
                       String reason, String extraHeader) {
        String srcIp = source.getAddress().getHostAddress();
        int port = source.getPort();
        int rport = -1;
        String received = null;
        try {
            Via top = req.topVia();
            if (top != null) {
                if (top.hasRport()) {
                    rport = source.getPort();
                } else if (connection == null) {
                    port = top.port() > 0 ? top.port() : 5060;
                }
                if (!sameAddress(top.host(), source.getAddress()) || top.hasRport()) {
                    received = srcIp;
                }
            }
        } catch (SipParseException e) {
            // answer to the source address as it is
        }
        byte[] bytes = Replies.build(req, code, reason, received, rport, extraHeader);
        out.send(in, connection == null ? new InetSocketAddress(source.getAddress(), port) : source, bytes, connection);
        counters.repliesSent.increment();
    }
}
