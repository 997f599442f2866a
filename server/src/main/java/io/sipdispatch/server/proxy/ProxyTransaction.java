package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.server.config.ReplySpec;
import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The response context of RFC 3261 §16: one server transaction towards the caller and the client
 * branches towards destinations. It relays provisional responses, forwards a 2xx at once and cancels the
 * other branches, chooses the best final response when every branch has ended (§16.7), fails a branch
 * over to the next destination as the route's {@link Failover} says (the seed's {@code failure_route}),
 * and answers the route's {@code when_none_left} reply when every destination has failed.
 *
 * <p>Lives on its shard's thread only. It stays in the table until the server transaction and every
 * branch have ended, so that retransmissions on either side keep matching.
 */
final class ProxyTransaction implements ServerTransaction.Wire, ServerTransaction.User {

    /** How a branch ended without a final response of its own. */
    enum Outcome { TIMEOUT, TRANSPORT_ERROR, DESTINATION_DOWN }

    /** RFC 5393 §5: the Max-Breadth a request without the header is taken to carry. */
    static final int DEFAULT_MAX_BREADTH = 60;
    /** Branch indices are written into the Via branch in at most four digits. */
    static final int MAX_BRANCHES = 9999;

    final Transactions layer;
    final Transactions.Table table;
    final long key;
    final long loop;
    /** The caller's request and the plan of its branches: let go once the transaction only lingers. */
    SipMessage request;
    Plan plan;
    final String method;
    final String callId;
    final boolean invite;
    final boolean countsCalls;
    final Upstream up;
    final ServerTransaction server;
    final List<ClientBranch> branches = new ArrayList<>(2);
    private int live;
    private int attempts;
    private boolean canceled;
    private boolean finalSent;
    private boolean noneLeft;
    // The best final response so far (§16.7 step 6); 'answered' = a destination's own answer, not a
    // failure that was failed over.
    private int bestStatus;
    private byte[] bestBytes;
    private boolean bestAnswered;

    ProxyTransaction(Transactions layer, Transactions.Table table, long key, long loop, SipMessage request,
                     Upstream up, Plan plan) {
        this.layer = layer;
        this.table = table;
        this.key = key;
        this.loop = loop;
        this.request = request;
        this.method = request.method();
        this.callId = request.callId();
        this.invite = "INVITE".equals(method);
        this.up = up;
        this.plan = plan;
        this.countsCalls = plan.countsCalls();
        this.server = new ServerTransaction(invite, up.in().transport().reliable(), layer.timers, table.scheduler,
            this, this);
    }

    void start(Hop first) {
        live = 1;
        if (invite) {
            // §16.2: a stateful proxy answers an INVITE with 100 Trying at once, which also stops the
            // caller's retransmissions.
            server.respond(100, up.reply(request, 100, "Trying", null));
            layer.counters.repliesSent.increment();
        }
        if (plan.parallel()) {
            forkAll(first);
        } else {
            fork(first, -1);
        }
    }

    // ---- forwarding --------------------------------------------------------------------------------

    /** RFC 5393: fork to every destination, sharing the received Max-Breadth among the branches. */
    private void forkAll(Hop first) {
        List<Hop> hops = new ArrayList<>();
        for (Hop h = first; h != null; h = plan.next()) {
            hops.add(h);
        }
        if (hops.size() == 1) {
            fork(first, -1);
            return;
        }
        int breadth = maxBreadth();
        int n = Math.min(hops.size(), breadth);
        if (n < 1) {
            finish(440, up.reply(request, 440, "Max-Breadth Exceeded", null));
            return;
        }
        for (int i = 0; i < n; i++) {
            fork(hops.get(i), breadth / n);
        }
    }

    private int maxBreadth() {
        String v = request.first("Max-Breadth");
        if (v != null) {
            try {
                return Math.max(0, Integer.parseInt(v.trim()));
            } catch (NumberFormatException e) {
                // an unreadable value counts as absent
            }
        }
        return DEFAULT_MAX_BREADTH;
    }

    private void fork(Hop hop, int maxBreadth) {
        if (finalSent) {
            return; // a branch that failed at once may already have given the caller its answer
        }
        int index = branches.size();
        String branch = Branches.branch(key, loop, index);
        byte[] bytes = null;
        if (index <= MAX_BRANCHES) {
            try {
                bytes = plan.write(hop, branch, maxBreadth);
            } catch (SipParseException e) {
                // A request the validator let through but that cannot be rewritten: nobody downstream sees it.
            }
        }
        Destination dest = hop.forwarding().destination();
        if (bytes == null) {
            if (countsCalls && dest != null) {
                layer.loads.released(callId, dest); // counted when the plan chose it; never sent
            }
            if (liveBranches() == 0) {
                finish(500, up.reply(request, 500, "Server Internal Error", null));
            }
            return;
        }
        ClientBranch b = new ClientBranch(this, index, hop, branch, bytes);
        branches.add(b);
        live++;
        attempts++;
        layer.counters.requestsForwarded.increment();
        b.start();
    }

    private int liveBranches() {
        int n = 0;
        for (ClientBranch b : branches) {
            if (!b.done) {
                n++;
            }
        }
        return n;
    }

    /** The next destination after a failure, unless the caller cancelled or the route's limit is reached. */
    private void tryNext() {
        if (canceled || finalSent) {
            return;
        }
        int max = plan.failover().maxAttempts();
        Hop h = max > 0 && attempts >= max ? null : plan.next();
        if (h == null) {
            noneLeft = true;
            return;
        }
        layer.counters.failovers.increment();
        fork(h, -1);
    }

    // ---- requests from the caller --------------------------------------------------------------------

    void retransmitted() {
        server.requestRetransmitted();
    }

    /** An ACK with the INVITE's branch: for our non-2xx final response it ends the server transaction. */
    boolean ackReceived() {
        ServerTransaction.State s = server.state();
        if (s == ServerTransaction.State.ACCEPTED) {
            return false; // an RFC 2543 ACK for a 2xx: end to end
        }
        server.ackReceived();
        return true;
    }

    /** §16.10: 200 to the CANCEL, CANCEL to every pending branch; the INVITE ends with 487. */
    void cancel(SipMessage cancelRequest, Upstream cancelUp) {
        cancelUp.send(layer.out, cancelUp.reply(cancelRequest, 200, "OK", null));
        layer.counters.repliesSent.increment();
        layer.counters.cancelsReceived.increment();
        if (finalSent || canceled) {
            return;
        }
        canceled = true;
        for (ClientBranch b : new ArrayList<>(branches)) {
            if (!b.done && b.cancelByCaller()) {
                // No provisional response yet: the branch is over for the caller (RFC 3261 §9.1 keeps its
                // CANCEL until one comes).
                releaseCall(b);
                consider(487, null, true);
            }
        }
        complete();
    }

    // ---- what the branches report ----------------------------------------------------------------------

    void provisional(ClientBranch b, int status, SipMessage resp) {
        if (status == 100 || finalSent || b.done) {
            return; // 100 is hop by hop (§16.7 step 5)
        }
        relay(status, resp);
    }

    /** A final response on branch {@code b}; {@code late} when the branch was already given up. */
    void finalResponse(ClientBranch b, int status, SipMessage resp, boolean late) {
        Destination d = b.hop.forwarding().destination();
        if (status < 300) {
            // A 2xx is always forwarded, even late or after another 2xx (§16.7 step 5).
            if (d != null) {
                d.markAnswered();
                if (countsCalls) {
                    layer.loads.confirmed(callId, d, System.nanoTime());
                }
            }
            relay(status, resp);
            answered();
            cancelOthers(b);
            lingerLight();
            return;
        }
        releaseCall(b);
        if (late) {
            complete();
            return;
        }
        if (status == 503 && d != null) {
            retryAfter(resp, d);
        }
        Failover f = plan.failover();
        if (d != null && !canceled && !finalSent && f.failsOver(status)) {
            consider(status, resp, false);
            failed(d, "answered " + status);
            if (!plan.parallel()) {
                tryNext();
            } else {
                noneLeft = true;
            }
        } else {
            if (d != null) {
                d.markAnswered();
            }
            consider(status, resp, true);
            if (status >= 600) {
                cancelOthers(b); // §16.7 step 5: a 6xx ends the search
            }
        }
        complete();
    }

    /** A branch ended without a final response: timed out, unreachable, or its destination died. */
    void branchFailed(ClientBranch b, Outcome outcome) {
        releaseCall(b);
        Destination d = b.hop.forwarding().destination();
        if (outcome == Outcome.TRANSPORT_ERROR) {
            layer.counters.branchTransportErrors.increment();
        } else {
            layer.counters.branchTimeouts.increment();
        }
        Failover f = plan.failover();
        boolean failsOver = d != null && !canceled && !finalSent && switch (outcome) {
            case TIMEOUT -> f.onTimeout();
            case TRANSPORT_ERROR -> f.onTransportError();
            case DESTINATION_DOWN -> f.enabled();
        };
        // What the caller gets if nothing better comes: 408 for silence, 503 (sent as 500) for a transport
        // error (§16.7 step 5, §16.9).
        int local = outcome == Outcome.TRANSPORT_ERROR ? 503 : 408;
        consider(local, null, !failsOver);
        if (failsOver) {
            if (outcome != Outcome.DESTINATION_DOWN) {
                failed(d, outcome == Outcome.TIMEOUT ? "no answer in time" : "transport error");
            }
            if (!plan.parallel()) {
                tryNext();
            } else {
                noneLeft = true;
            }
        }
        complete();
    }

    /** The call no longer counts against the branch's destination (idempotent). */
    private void releaseCall(ClientBranch b) {
        Destination d = b.hop.forwarding().destination();
        if (countsCalls && d != null) {
            layer.loads.released(callId, d);
        }
    }

    void branchTerminated() {
        live--;
        maybeRemove();
        lingerLight();
    }

    /**
     * Once the caller has its final answer and no branch can still fail, be forked or be cancelled, all that is
     * left is absorbing retransmissions for a few seconds (Timers J, K, L, D). The request, its plan and the
     * branches' forwarded bytes are let go then: under load most of the table is such lingering
     * transactions, and holding a few kilobytes each for seconds is what fills the heap and lengthens the
     * collector's pauses exactly when the server is busiest.
     */
    private void lingerLight() {
        if (request == null || !finalSent) {
            return;
        }
        for (ClientBranch b : branches) {
            if (!b.quiescent()) {
                return;
            }
        }
        request = null;
        plan = ENDED;
        bestBytes = null;
        for (ClientBranch b : branches) {
            b.letGo();
        }
    }

    /** Whether the transaction still holds its messages (for tests). */
    boolean holdsMessages() {
        return request != null;
    }

    /** The plan of a transaction that only lingers: nothing more is forwarded or failed over. */
    private static final Plan ENDED = new Plan() {
        @Override
        public Hop next() {
            return null;
        }

        @Override
        public byte[] write(Hop hop, String branch, int maxBreadth) {
            throw new IllegalStateException("a lingering transaction forwards nothing");
        }
    };

    /** ds_mark_dst: the route's mark; a destination that turns inactive is failed over everywhere. */
    private void failed(Destination d, String why) {
        int flags = plan.failover().markFlags();
        if (flags == 0) {
            return;
        }
        int before = d.state();
        int after = d.markFailed(flags, layer.probingThreshold);
        layer.counters.destinationsMarked.increment();
        // A state change, not a message: one event per change, however many calls see it.
        layer.events.changed(d, before, after, why);
        if ((before & DestinationFlags.INACTIVE) == 0 && (after & DestinationFlags.INACTIVE) != 0) {
            layer.counters.destinationsDown.increment();
            layer.destinationDown(d);
        }
    }

    /** RFC 3261 §21.5.4: a 503 with Retry-After takes the destination out of selection for that long. */
    private static void retryAfter(SipMessage resp, Destination d) {
        String v = resp.first("Retry-After");
        if (v == null) {
            return;
        }
        int end = 0;
        String t = v.trim();
        while (end < t.length() && Character.isDigit(t.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 9) {
            return;
        }
        long seconds = Long.parseLong(t.substring(0, end));
        if (seconds > 0) {
            d.suspendUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
        }
    }

    private void cancelOthers(ClientBranch winner) {
        for (ClientBranch b : new ArrayList<>(branches)) {
            if (b != winner && !b.done) {
                b.cancelByCaller();
            }
        }
    }

    // ---- choosing and sending the final response --------------------------------------------------

    /**
     * §16.7 step 6: a destination's own answer wins over a failure that was failed over; then a 6xx; then
     * the lowest class; the first of equals.
     */
    private void consider(int status, SipMessage resp, boolean answered) {
        if (finalSent) {
            return; // the caller has its answer: nothing left to choose
        }
        if (bestStatus != 0) {
            if (bestAnswered && !answered) {
                return;
            }
            if (bestAnswered == answered) {
                boolean better = status >= 600 ? bestStatus < 600 : bestStatus < 600 && status / 100 < bestStatus / 100;
                if (!better) {
                    return;
                }
            }
        }
        bestStatus = status;
        bestAnswered = answered;
        if (resp == null || status == 503) {
            // Our own answer, and a downstream 503 is not passed on as 503 (§16.7 step 6): it would take
            // this server out of the caller's selection.
            int code = status == 503 ? 500 : status;
            bestStatus = code;
            bestBytes = up.reply(request, code, code == 487 ? "Request Terminated" : code == 408 ? "Request Timeout"
                : "Server Internal Error", null);
        } else {
            bestBytes = resp.edit().popVia().toBytes();
        }
    }

    /** When every branch has ended: the best response, or the route's reply when failover ran out. */
    private void complete() {
        if (finalSent) {
            return;
        }
        for (ClientBranch b : branches) {
            if (!b.done) {
                return;
            }
        }
        ReplySpec none = canceled ? null : plan.whenNoneLeft();
        if (noneLeft && none != null && !bestAnswered) {
            layer.counters.noDestination.increment();
            finish(none.code(), up.reply(request, none.code(), none.reason(), null));
        } else if (bestStatus == 0) {
            finish(500, up.reply(request, 500, "Server Internal Error", null));
        } else if (!invite && bestStatus == 408 && !bestAnswered) {
            // RFC 4320: no 408 to a non-INVITE request; the caller's own timer ends it.
            answered();
            server.transportError();
        } else {
            finish(bestStatus, bestBytes);
        }
        lingerLight();
    }

    /** Out of the table: if the caller never had its final answer, it is no longer waited for. */
    void removed() {
        answered();
    }

    /** The caller has its final answer (or none is due): counted once, for the graceful stop to wait on. */
    private void answered() {
        if (!finalSent) {
            finalSent = true;
            layer.counters.unansweredTransactions.decrement();
        }
    }

    private void finish(int status, byte[] bytes) {
        answered();
        server.respond(status, bytes);
        layer.counters.repliesSent.increment();
    }

    private void relay(int status, SipMessage resp) {
        server.respond(status, resp.edit().popVia().toBytes());
        layer.counters.responsesForwarded.increment();
    }

    /** A 2xx retransmitted by a destination after its branch ended: forwarded as it is (§16.7). */
    void relayStray(SipMessage resp) {
        up.send(layer.out, resp.edit().popVia().toBytes());
        layer.counters.responsesForwarded.increment();
    }

    /** A response on branch {@code index}; returns false when there is no such branch. */
    boolean response(SipMessage resp, int index, boolean toCancel) {
        if (index < 0 || index >= branches.size()) {
            return false;
        }
        ClientBranch b = branches.get(index);
        int status = resp.statusCode();
        if (toCancel) {
            b.cancelResponse(status, resp);
            return true;
        }
        if (!b.receive(status, resp) && status >= 200 && status < 300) {
            relayStray(resp);
        }
        return true;
    }

    // ---- server transaction ------------------------------------------------------------------------

    @Override
    public void sendResponse(Object response) {
        up.send(layer.out, (byte[]) response);
    }

    @Override
    public void terminated() {
        live--;
        maybeRemove();
    }

    private void maybeRemove() {
        if (live <= 0) {
            layer.remove(this);
        }
    }

    @Override
    public String toString() {
        return method + " " + callId + " " + server.state() + " branches=" + branches.size();
    }
}
