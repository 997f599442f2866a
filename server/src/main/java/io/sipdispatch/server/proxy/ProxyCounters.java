package io.sipdispatch.server.proxy;

import io.sipdispatch.sip.Violation;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
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
        UNUSABLE_TRANSPORT, ACK_NOT_FORWARDED, INTERNAL_ERROR,
        /** A request from a source over its per-source limit (pike). */
        RATE_LIMITED,
        /** A request whose User-Agent is on the scanner deny list. */
        SCANNER
    }

    public final LongAdder requestsIn = new LongAdder();
    public final LongAdder responsesIn = new LongAdder();
    public final LongAdder requestsForwarded = new LongAdder();
    public final LongAdder responsesForwarded = new LongAdder();
    public final LongAdder repliesSent = new LongAdder();
    public final LongAdder loops = new LongAdder();
    public final LongAdder noDestination = new LongAdder();
    /** Requests not forwarded to an address on one of their route's blacklists. */
    public final LongAdder blacklisted = new LongAdder();
    /** Transactions whose caller has no final answer yet: what a graceful stop waits for. */
    public final LongAdder unansweredTransactions = new LongAdder();
    /** New requests refused while stopping. */
    public final LongAdder refusedStopping = new LongAdder();
    /** New calls (INVITEs out of a dialog) refused with 503 because reading had fallen behind: overload. */
    public final LongAdder refusedOverload = new LongAdder();
    /** ACKs of final responses this server made without a transaction, which end here. */
    public final LongAdder acksAbsorbed = new LongAdder();
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
    /** RFC 7339 overload control updates applied from destinations' responses. */
    public final LongAdder overloadUpdates = new LongAdder();
    /** Inactive destinations brought back by keepalives. */
    public final LongAdder destinationsUp = new LongAdder();
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

    /** The methods counted by name; any other is counted as {@code OTHER}. */
    public static final List<String> METHODS = List.of("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER",
        "SUBSCRIBE", "NOTIFY", "PUBLISH", "MESSAGE", "INFO", "PRACK", "UPDATE", "REFER", "OTHER");
    private final LongAdder[] byMethod = new LongAdder[METHODS.size()];
    /** Responses received, by status code 100–699. */
    private final LongAdder[] byCode = new LongAdder[600];

    /** Counts a request read, by method. */
    void request(String method) {
        byMethod[methodIndex(method)].increment();
    }

    /** A switch rather than a list search: this runs for every request. */
    private static int methodIndex(String m) {
        return switch (m) {
            case "INVITE" -> 0;
            case "ACK" -> 1;
            case "BYE" -> 2;
            case "CANCEL" -> 3;
            case "OPTIONS" -> 4;
            case "REGISTER" -> 5;
            case "SUBSCRIBE" -> 6;
            case "NOTIFY" -> 7;
            case "PUBLISH" -> 8;
            case "MESSAGE" -> 9;
            case "INFO" -> 10;
            case "PRACK" -> 11;
            case "UPDATE" -> 12;
            case "REFER" -> 13;
            default -> 14;
        };
    }

    /** Counts a response read, by status code. */
    void response(int code) {
        if (code >= 100 && code < 700) {
            byCode[code - 100].increment();
        }
    }

    /** Requests read by method, in {@link #METHODS} order. */
    public long requestsOf(String method) {
        return byMethod[methodIndex(method)].sum();
    }

    /** Responses read by status code, the codes seen only. */
    public Map<Integer, Long> responsesByCode() {
        Map<Integer, Long> m = new java.util.TreeMap<>();
        for (int i = 0; i < byCode.length; i++) {
            long n = byCode[i].sum();
            if (n > 0) {
                m.put(i + 100, n);
            }
        }
        return m;
    }

    /** Rejections by the rule they broke, those seen only. */
    public Map<String, Long> rejections() {
        Map<String, Long> m = new LinkedHashMap<>();
        rejected.forEach((v, n) -> {
            if (n.sum() > 0) {
                m.put(v.name().toLowerCase(), n.sum());
            }
        });
        return m;
    }

    /** Drops by reason, those seen only. */
    public Map<String, Long> drops() {
        Map<String, Long> m = new LinkedHashMap<>();
        dropped.forEach((d, n) -> {
            if (n.sum() > 0) {
                m.put(d.name().toLowerCase(), n.sum());
            }
        });
        return m;
    }

    public ProxyCounters() {
        for (int i = 0; i < byMethod.length; i++) {
            byMethod[i] = new LongAdder();
        }
        for (int i = 0; i < byCode.length; i++) {
            byCode[i] = new LongAdder();
        }
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
        m.put("blacklisted", blacklisted.sum());
        m.put("affinity_hits", affinityHits.sum());
        m.put("affinity_misses", affinityMisses.sum());
        m.put("affinity_evictions", affinityEvictions.sum());
        m.put("transactions", transactions.sum());
        m.put("live_transactions", liveTransactions.sum());
        m.put("transactions_refused", transactionsRefused.sum());
        m.put("retransmissions_absorbed", retransmissionsAbsorbed.sum());
        m.put("refused_stopping", refusedStopping.sum());
        m.put("refused_overload", refusedOverload.sum());
        m.put("acks_absorbed", acksAbsorbed.sum());
        m.put("branch_timeouts", branchTimeouts.sum());
        m.put("branch_transport_errors", branchTransportErrors.sum());
        m.put("failovers", failovers.sum());
        m.put("destinations_marked", destinationsMarked.sum());
        m.put("destinations_down", destinationsDown.sum());
        m.put("destinations_up", destinationsUp.sum());
        m.put("overload_updates", overloadUpdates.sum());
        m.put("cancels_received", cancelsReceived.sum());
        m.put("cancels_sent", cancelsSent.sum());
        m.put("handovers", handovers.sum());
        m.put("probes_sent", probesSent.sum());
        m.put("probes_answered", probesAnswered.sum());
        m.put("probes_failed", probesFailed.sum());
        rejections().forEach((reason, n) -> m.put("rejected_" + reason, n));
        drops().forEach((reason, n) -> m.put("dropped_" + reason, n));
        return m;
    }
}
