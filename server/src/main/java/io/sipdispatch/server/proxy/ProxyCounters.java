package io.sipdispatch.server.proxy;

import io.sipdispatch.sip.Violation;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the proxy did, counted without locks; the management API and metrics read them. Every message that
 * is rejected or dropped is counted by reason, never logged one by one.
 */
public final class ProxyCounters {
    /** Why a message was dropped without an answer. */
    public enum Drop {
        UNPARSEABLE, INVALID_RESPONSE, RESPONSE_NOT_OURS, RESPONSE_NO_NEXT_VIA, UNREACHABLE_NEXT_HOP,
        UNUSABLE_TRANSPORT, ACK_NOT_FORWARDED, INTERNAL_ERROR
    }

    public final LongAdder requestsIn = new LongAdder();
    public final LongAdder responsesIn = new LongAdder();
    public final LongAdder requestsForwarded = new LongAdder();
    public final LongAdder responsesForwarded = new LongAdder();
    public final LongAdder repliesSent = new LongAdder();
    public final LongAdder loops = new LongAdder();
    public final LongAdder noDestination = new LongAdder();
    public final LongAdder affinityHits = new LongAdder();
    /** A CANCEL or ACK whose request was not remembered: it went where the rules sent it. */
    public final LongAdder affinityMisses = new LongAdder();
    /** A remembered request pushed out of its slot by a newer one before its time was up. */
    public final LongAdder affinityEvictions = new LongAdder();
    /** Stateful mode: server transactions created, and the live ones (lingering included). */
    public final LongAdder transactions = new LongAdder();
    public final LongAdder liveTransactions = new LongAdder();
    /** A new request refused (503) because the transaction table was full. */
    public final LongAdder transactionsRefused = new LongAdder();
    /** Retransmitted requests a server transaction absorbed (answered with its last response, or silently). */
    public final LongAdder retransmissionsAbsorbed = new LongAdder();
    /** Branches whose destination did not answer in time, could not be reached, or failed as configured. */
    public final LongAdder branchTimeouts = new LongAdder();
    public final LongAdder branchTransportErrors = new LongAdder();
    /** A request moved to the next destination. */
    public final LongAdder failovers = new LongAdder();
    /** Destinations marked by failover, and those that turned inactive by it. */
    public final LongAdder destinationsMarked = new LongAdder();
    public final LongAdder destinationsDown = new LongAdder();
    /** CANCELs received that matched a transaction, and CANCELs sent to branches. */
    public final LongAdder cancelsReceived = new LongAdder();
    public final LongAdder cancelsSent = new LongAdder();
    /** Keepalive probes sent, answered as accepted, and failed (timeout, error, or a reply not accepted). */
    public final LongAdder probesSent = new LongAdder();
    public final LongAdder probesAnswered = new LongAdder();
    public final LongAdder probesFailed = new LongAdder();
    /** Messages read on one event loop and handed to the loop that owns their transaction. */
    public final LongAdder handovers = new LongAdder();
    private final EnumMap<Violation, LongAdder> rejected = new EnumMap<>(Violation.class);
    private final EnumMap<Drop, LongAdder> dropped = new EnumMap<>(Drop.class);

    public ProxyCounters() {
        for (Violation v : Violation.values()) {
            rejected.put(v, new LongAdder());
        }
        for (Drop d : Drop.values()) {
            dropped.put(d, new LongAdder());
        }
    }

    void rejected(Violation v) {
        rejected.get(v).increment();
    }

    void dropped(Drop d) {
        dropped.get(d).increment();
    }

    public long rejectedCount(Violation v) {
        return rejected.get(v).sum();
    }

    public long droppedCount(Drop d) {
        return dropped.get(d).sum();
    }

    /** Every non-zero counter by name, for logs, tests and the management API. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("requests_in", requestsIn.sum());
        m.put("responses_in", responsesIn.sum());
        m.put("requests_forwarded", requestsForwarded.sum());
        m.put("responses_forwarded", responsesForwarded.sum());
        m.put("replies_sent", repliesSent.sum());
        m.put("loops", loops.sum());
        m.put("no_destination", noDestination.sum());
        m.put("affinity_hits", affinityHits.sum());
        m.put("affinity_misses", affinityMisses.sum());
        m.put("affinity_evictions", affinityEvictions.sum());
        m.put("transactions", transactions.sum());
        m.put("live_transactions", liveTransactions.sum());
        m.put("transactions_refused", transactionsRefused.sum());
        m.put("retransmissions_absorbed", retransmissionsAbsorbed.sum());
        m.put("branch_timeouts", branchTimeouts.sum());
        m.put("branch_transport_errors", branchTransportErrors.sum());
        m.put("failovers", failovers.sum());
        m.put("destinations_marked", destinationsMarked.sum());
        m.put("destinations_down", destinationsDown.sum());
        m.put("cancels_received", cancelsReceived.sum());
        m.put("cancels_sent", cancelsSent.sum());
        m.put("handovers", handovers.sum());
        m.put("probes_sent", probesSent.sum());
        m.put("probes_answered", probesAnswered.sum());
        m.put("probes_failed", probesFailed.sum());
        rejected.forEach((v, n) -> {
            if (n.sum() > 0) {
                m.put("rejected_" + v.name().toLowerCase(), n.sum());
            }
        });
        dropped.forEach((d, n) -> {
            if (n.sum() > 0) {
                m.put("dropped_" + d.name().toLowerCase(), n.sum());
            }
        });
        return m;
    }
}
