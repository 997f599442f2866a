package io.sipdispatch.server.proxy;

import static io.sipdispatch.server.proxy.ProxyHarness.LISTEN;
import static io.sipdispatch.server.proxy.ProxyHarness.UAC;
import static io.sipdispatch.server.proxy.ProxyHarness.invite;
import static io.sipdispatch.server.proxy.ProxyHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.server.proxy.ProxyHarness.Sent;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stateful proxy (RFC 3261 §16.6–16.10, §17) and its failover, with the transports replaced by a recorder
 * and the timers by a virtual clock: the seed's MANAGE_FAILURE route, outcome by outcome.
 */
class StatefulProxyTest {
    static final String LIST = """
        1 sip:127.0.0.1:5071 0 30 duid=b1
        1 sip:127.0.0.1:5072 0 20 duid=b2
        1 sip:127.0.0.1:5073 0 10 duid=b3
        2 sip:127.0.0.1:5091 0 0 duid=m1;maxload=2
        """;

    static ProxyHarness harness() throws Exception {
        return harness(1);
    }

    static ProxyHarness harness(int shards) throws Exception {
        return new ProxyHarness(LISTEN + """
            dispatcher:
              list_file: dispatcher.list
              probing: { threshold: 2 }
            transactions: { max: 64 }
            routes:
              - name: parallel
                match: { ruri_user: '^all' }
                dispatch: { set: 1, algorithm: 12 }
              - name: trying
                match: { ruri_user: '^try' }
                dispatch: { set: 1, algorithm: 8, failover: { no_reply_timeout: 2s, mark: trying } }
              - name: plain
                match: { ruri_user: '^plain' }
                dispatch: { set: 1, algorithm: 8 }
              - name: last-resort
                match: { ruri_user: '^lastresort' }
                dispatch: { set: 1, algorithm: 4, flags: d, failover: { on: [500], mark: none } }
              - name: load
                match: { ruri_user: '^load' }
                dispatch: { set: 2, algorithm: 10 }
                when_none_left: { reply: 486, reason: All Lines Busy }
              - name: sl
                match: { ruri_user: '^sl' }
                mode: stateless
                dispatch: { set: 1, algorithm: 8 }
              - name: media
                dispatch:
                  set: 1
                  algorithm: 8
                  failover: { no_reply_timeout: 2s, ringing_timeout: 60s, on: [timeout, transport_error, 500, 503] }
                when_none_left: { reply: 404, reason: No destination }
            """, LIST, shards);
    }

    static InetSocketAddress backend(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    static String inviteTo(String user, String callId, String branch) {
        return request("INVITE", "sip:" + user + "@127.0.0.1:5060", callId, branch, 1, "", "");
    }

    /** A response to forwarded request {@code req}, as a destination writes it. */
    static String response(Sent req, int code, String reason, String extra) {
        StringBuilder sb = new StringBuilder("SIP/2.0 " + code + " " + reason + "\n");
        for (String v : req.headers("Via")) {
            sb.append("Via: ").append(v).append('\n');
        }
        sb.append("From: ").append(req.header("From")).append('\n');
        sb.append("To: ").append(req.header("To")).append(code > 100 && !req.header("To").contains("tag=") ? ";tag=uas" : "")
            .append('\n');
        sb.append("Call-ID: ").append(req.header("Call-ID")).append('\n');
        sb.append("CSeq: ").append(req.header("CSeq")).append('\n');
        sb.append(extra);
        sb.append("Content-Length: 0\n\n");
        return sb.toString();
    }

    static Sent answer(ProxyHarness h, Sent req, int code, String reason) {
        return answer(h, req, code, reason, "");
    }

    static Sent answer(ProxyHarness h, Sent req, int code, String reason, String extra) {
        return h.receive(0, backend(req.port()), response(req, code, reason, extra));
    }

    static List<Sent> to(ProxyHarness h, int port) {
        return h.sent.stream().filter(s -> s.port() == port).toList();
    }

    static List<Sent> requestsTo(ProxyHarness h, int port, String method) {
        return to(h, port).stream().filter(s -> s.firstLine().startsWith(method + " ")).toList();
    }

    static List<String> toCaller(ProxyHarness h) {
        return to(h, UAC.getPort()).stream().map(Sent::firstLine).toList();
    }

    static Destination dest(ProxyHarness h, String duid) {
        return h.snapshot.table().destinations().stream().filter(d -> d.identity().equals("1/" + duid)).findFirst().orElseThrow();
    }

    // ---- transactions ----------------------------------------------------------------------------

    @Test
    void anInviteGets100TryingAndGoesOutOnAStatefulBranch() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(invite("c1@x", "z9hG4bK-a"));
        assertThat(toCaller(h)).containsExactly("SIP/2.0 100 Trying");
        assertThat(fwd.port()).isEqualTo(5071);
        String branch = fwd.headers("Via").get(0);
        assertThat(branch).contains(";branch=z9hG4bKsd").endsWith(".0");
        assertThat(h.counters.transactions.sum()).isEqualTo(1);
    }

    @Test
    void retransmittedInvitesAreAbsorbedAndGetTheLastResponseAgain() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(invite("c1@x", "z9hG4bK-a"));
        h.receive(invite("c1@x", "z9hG4bK-a"));
        assertThat(requestsTo(h, 5071, "INVITE")).hasSize(1);
        assertThat(toCaller(h)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 100 Trying");
        answer(h, fwd, 180, "Ringing");
        h.receive(invite("c1@x", "z9hG4bK-a"));
        assertThat(toCaller(h)).endsWith("SIP/2.0 180 Ringing", "SIP/2.0 180 Ringing");
        assertThat(h.counters.retransmissionsAbsorbed.sum()).isEqualTo(2);
    }

    @Test
    void theProxyRetransmitsAnUnansweredInviteOverUdpWithTimerA() throws Exception {
        ProxyHarness h = harness();
        h.receive(inviteTo("plain", "c1@x", "z9hG4bK-a"));
        h.clock.advance(500);
        h.clock.advance(1000);
        assertThat(requestsTo(h, 5071, "INVITE")).hasSize(3);
    }

    @Test
    void provisionalResponsesAreRelayedBut100IsHopByHop() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(invite("c1@x", "z9hG4bK-a"));
        answer(h, fwd, 100, "Trying");
        answer(h, fwd, 180, "Ringing");
        Sent ok = answer(h, fwd, 200, "OK");
        assertThat(toCaller(h)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 180 Ringing", "SIP/2.0 200 OK");
        assertThat(ok.headers("Via")).containsExactly("SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bK-a");
    }

    @Test
    void theAckOfANon2xxFinalResponseIsHopByHopAndTheCallersAckIsAbsorbed() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(inviteTo("plain", "c1@x", "z9hG4bK-a"));
        answer(h, fwd, 486, "Busy Here");
        List<Sent> acks = requestsTo(h, 5071, "ACK");
        assertThat(acks).hasSize(1);
        assertThat(acks.get(0).headers("Via")).containsExactly(fwd.headers("Via").get(0));
        assertThat(acks.get(0).header("To")).endsWith(";tag=uas");
        assertThat(toCaller(h)).endsWith("SIP/2.0 486 Busy Here");
        int before = h.sent.size();
        h.receive(request("ACK", "sip:plain@127.0.0.1:5060", "c1@x", "z9hG4bK-a", 1, "uas", ""));
        assertThat(h.sent).hasSize(before);
    }

    @Test
    void theAckOfA2xxPassesEndToEnd() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(invite("c1@x", "z9hG4bK-a"));
        answer(h, fwd, 200, "OK");
        Sent ack = h.receive(request("ACK", "sip:alice@127.0.0.1:5071", "c1@x", "z9hG4bK-ack", 1, "uas",
            "Route: <sip:127.0.0.1:5060;lr>\n"));
        assertThat(ack.firstLine()).startsWith("ACK ");
        assertThat(ack.port()).isEqualTo(5071);
    }

    @Test
    void aRetransmitted2xxAfterTheBranchEndedIsStillRelayed() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(invite("c1@x", "z9hG4bK-a"));
        answer(h, fwd, 200, "OK");
        answer(h, fwd, 200, "OK");
        assertThat(toCaller(h)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK", "SIP/2.0 200 OK");
    }

    @Test
    void aNonInviteTransactionRelaysItsFinalResponseAndRepeatsIt() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(request("OPTIONS", "sip:plain@127.0.0.1:5060", "o1@x", "z9hG4bK-o", 1, "", ""));
        assertThat(toCaller(h)).isEmpty(); // no 100 for a non-INVITE
        answer(h, fwd, 200, "OK");
        h.receive(request("OPTIONS", "sip:plain@127.0.0.1:5060", "o1@x", "z9hG4bK-o", 1, "", ""));
        assertThat(toCaller(h)).containsExactly("SIP/2.0 200 OK", "SIP/2.0 200 OK");
        assertThat(requestsTo(h, 5071, "OPTIONS")).hasSize(1);
    }

    @Test
    void lingeringTransactionsLeaveTheTableAfterTheWaitTimer() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(inviteTo("plain", "c1@x", "z9hG4bK-a"));
        answer(h, fwd, 200, "OK");
        assertThat(h.proxy.transactions().size()).isEqualTo(1);
        h.clock.advance(5_001);
        assertThat(h.proxy.transactions().size()).isZero();
    }

    @Test
    void anAnsweredInviteLingersWithoutItsMessagesAndStillAbsorbsRetransmissions() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(inviteTo("plain", "c1@x", "z9hG4bK-a"));
        assertThat(h.proxy.transactions().holdingMessages()).isEqualTo(1);
        answer(h, fwd, 200, "OK");
        assertThat(h.proxy.transactions().size()).isEqualTo(1);
        assertThat(h.proxy.transactions().holdingMessages()).isZero();
        int before = h.sent.size();
        h.receive(inviteTo("plain", "c1@x", "z9hG4bK-a")); // absorbed in Accepted (RFC 6026)
        assertThat(h.sent).hasSize(before);
        answer(h, fwd, 200, "OK"); // the destination's retransmitted 2xx still reaches the caller
        assertThat(toCaller(h)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK", "SIP/2.0 200 OK");
    }

    @Test
    void aRejectedInviteLingersLightAndAcksEveryRetransmittedFinalResponse() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(inviteTo("plain", "c1@x", "z9hG4bK-a"));
        answer(h, fwd, 486, "Busy Here");
        assertThat(h.proxy.transactions().holdingMessages()).isZero();
        answer(h, fwd, 486, "Busy Here");
        List<Sent> acks = requestsTo(h, 5071, "ACK");
        assertThat(acks).hasSize(2);
        assertThat(acks.get(1).text()).isEqualTo(acks.get(0).text());
        h.receive(inviteTo("plain", "c1@x", "z9hG4bK-a")); // the caller missed the 486: it comes again
        assertThat(toCaller(h)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 486 Busy Here", "SIP/2.0 486 Busy Here");
    }

    @Test
    void aNonInviteLingersLightAndRepeatsItsFinalResponse() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(request("BYE", "sip:plain@127.0.0.1:5060", "b1@x", "z9hG4bK-b", 2, "uas", ""));
        answer(h, fwd, 200, "OK");
        assertThat(h.proxy.transactions().holdingMessages()).isZero();
        h.receive(request("BYE", "sip:plain@127.0.0.1:5060", "b1@x", "z9hG4bK-b", 2, "uas", ""));
        assertThat(toCaller(h)).containsExactly("SIP/2.0 200 OK", "SIP/2.0 200 OK");
        h.clock.advance(5_001);
        assertThat(h.proxy.transactions().size()).isZero();
    }

    @Test
    void aTransactionWithABranchStillPendingKeepsItsMessages() throws Exception {
        ProxyHarness h = harness();
        h.receive(inviteTo("all", "c1@x", "z9hG4bK-a"));
        List<Sent> forks = h.sent.stream().filter(s -> s.firstLine().startsWith("INVITE ")).toList();
        assertThat(forks).hasSize(3);
        answer(h, forks.get(0), 200, "OK"); // the others are cancelled once they ring, so they stay pending
        assertThat(h.proxy.transactions().holdingMessages()).isEqualTo(1);
        answer(h, forks.get(1), 180, "Ringing");
        assertThat(requestsTo(h, forks.get(1).port(), "CANCEL")).hasSize(1);
    }

    @Test
    void aFullTableRefusesNewRequestsWith503() throws Exception {
        ProxyHarness h = harness();
        for (int i = 0; i < 64; i++) {
            h.receive(inviteTo("plain", "c" + i + "@x", "z9hG4bK-" + i));
        }
        Sent refused = h.receive(inviteTo("plain", "over@x", "z9hG4bK-over"));
        assertThat(refused.firstLine()).isEqualTo("SIP/2.0 503 Service Unavailable");
        assertThat(refused.header("Retry-After")).isEqualTo("5");
        assertThat(h.counters.transactionsRefused.sum()).isEqualTo(1);
    }

    @Test
    void aStatelessRouteStaysStateless() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(inviteTo("sl", "c1@x", "z9hG4bK-a"));
        assertThat(toCaller(h)).isEmpty();
        assertThat(fwd.headers("Via").get(0)).doesNotEndWith(".0");
        assertThat(h.counters.transactions.sum()).isZero();
    }

    @Test
    void aMessageReadOnAnotherLoopIsHandedToTheLoopThatOwnsItsTransaction() throws Exception {
        ProxyHarness h = harness(2);
        String inv = invite("c1@x", "z9hG4bK-a");
        // Read on each loop in turn: one of them owns the transaction, the other hands the INVITE over.
        h.currentShard = 0;
        h.receive(inv);
        boolean ownedBy0 = !h.sent.isEmpty();
        h.clock.advance(0);
        assertThat(h.counters.handovers.sum()).isEqualTo(ownedBy0 ? 0 : 1);
        int owner = ownedBy0 ? 0 : 1;
        Sent fwd = requestsTo(h, 5071, "INVITE").get(0);
        // The retransmission, read on the other loop, reaches the same transaction: absorbed there.
        h.currentShard = 1 - owner;
        h.receive(inv);
        assertThat(h.sent.size()).isEqualTo(2); // 100 Trying and the INVITE, nothing yet
        h.clock.advance(0);
        assertThat(h.ranOn).containsOnly(owner);
        assertThat(h.counters.retransmissionsAbsorbed.sum()).isEqualTo(1);
        assertThat(requestsTo(h, 5071, "INVITE")).hasSize(1);
        // So does the destination's response, read on the other loop.
        answer(h, fwd, 200, "OK");
        h.clock.advance(0);
        assertThat(toCaller(h)).endsWith("SIP/2.0 200 OK");
        assertThat(h.ranOn).containsOnly(owner);
    }

    // ---- failover ---------------------------------------------------------------------------------

    @Test
    void noReplyWithinTheNoReplyTimerFailsOverAndMarksTheDestination() throws Exception {
        ProxyHarness h = harness();
        h.receive(invite("c1@x", "z9hG4bK-a"));
        h.clock.advance(1_999);
        assertThat(requestsTo(h, 5072, "INVITE")).isEmpty();
        h.clock.advance(1);
        List<Sent> next = requestsTo(h, 5072, "INVITE");
        assertThat(next).hasSize(1);
        assertThat(next.get(0).headers("Via").get(0)).endsWith(".1");
        assertThat(DestinationFlags.code(dest(h, "b1").state())).isEqualTo("IP");
        int sentTo5071 = requestsTo(h, 5071, "INVITE").size();
        answer(h, next.get(0), 100, "Trying"); // b2 answers: its no-reply timer stops
        h.clock.advance(4_000);
        assertThat(requestsTo(h, 5071, "INVITE")).hasSize(sentTo5071); // given up: no more retransmissions
        answer(h, next.get(0), 200, "OK");
        assertThat(toCaller(h)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK");
        assertThat(h.counters.failovers.sum()).isEqualTo(1);
    }

    @Test
    void aConfiguredCodeFailsOverAfterTheHopByHopAck() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(invite("c1@x", "z9hG4bK-a"));
        answer(h, fwd, 500, "Server Error");
        assertThat(requestsTo(h, 5071, "ACK")).hasSize(1);
        assertThat(requestsTo(h, 5072, "INVITE")).hasSize(1);
        assertThat(toCaller(h)).containsExactly("SIP/2.0 100 Trying");
        assertThat(dest(h, "b1").selectable()).isFalse();
    }

    @Test
    void busyIsAnAnswerNotAFailure() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(invite("c1@x", "z9hG4bK-a"));
        answer(h, fwd, 486, "Busy Here");
        assertThat(requestsTo(h, 5072, "INVITE")).isEmpty();
        assertThat(toCaller(h)).endsWith("SIP/2.0 486 Busy Here");
        assertThat(dest(h, "b1").selectable()).isTrue();
    }

    @Test
    void whenEveryDestinationHasFailedTheRoutesReplyGoesBack() throws Exception {
        ProxyHarness h = harness();
        Sent a = h.receive(invite("c1@x", "z9hG4bK-a"));
        answer(h, a, 500, "Server Error");
        answer(h, requestsTo(h, 5072, "INVITE").get(0), 503, "Unavailable");
        h.clock.advance(2_000); // b3 never answers
        assertThat(toCaller(h)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 404 No destination");
        assertThat(dest(h, "b3").selectable()).isFalse();
        // A new call finds nothing at all: the same reply, at once.
        Sent none = h.receive(invite("c2@x", "z9hG4bK-b"));
        assertThat(none.firstLine()).isEqualTo("SIP/2.0 404 No destination");
    }

    @Test
    void withFlagDTheSetsDefaultDestinationIsTheLastResort() throws Exception {
        ProxyHarness h = harness();
        java.util.Set<Integer> firstTries = new java.util.HashSet<>();
        java.util.Set<Integer> lastTries = new java.util.HashSet<>();
        for (int call = 0; call < 4; call++) {
            String callId = "c" + call + "@x";
            h.receive(inviteTo("lastresort", callId, "z9hG4bK-" + call));
            List<Integer> tried = new java.util.ArrayList<>();
            for (int attempt = 0; attempt < 3; attempt++) {
                Sent s = h.sent.stream().filter(m -> m.firstLine().startsWith("INVITE ") && m.header("Call-ID").equals(callId))
                    .reduce((x, y) -> y).orElseThrow();
                tried.add(s.port());
                answer(h, s, 500, "Server Error"); // round-robin moves on; every destination fails
            }
            assertThat(tried).as("call %d tried each destination once", call).doesNotHaveDuplicates();
            firstTries.add(tried.get(0));
            lastTries.add(tried.get(2));
        }
        // Round-robin rotates over two destinations; the third, the default, is always tried last.
        assertThat(lastTries).hasSize(1);
        assertThat(firstTries).hasSize(2).doesNotContainAnyElementsOf(lastTries);
    }

    @Test
    void anIcmpUnreachableFailsOverAtOnce() throws Exception {
        ProxyHarness h = harness();
        h.receive(invite("c1@x", "z9hG4bK-a"));
        h.proxy.unreachable(h.listeners.get(0), backend(5071));
        assertThat(requestsTo(h, 5072, "INVITE")).hasSize(1);
        assertThat(h.counters.branchTransportErrors.sum()).isEqualTo(1);
        assertThat(dest(h, "b1").selectable()).isFalse();
    }

    @Test
    void aTryingMarkTakesTheDestinationOutAtTheProbingThreshold() throws Exception {
        ProxyHarness h = harness();
        h.receive(inviteTo("try", "c1@x", "z9hG4bK-a"));
        h.clock.advance(2_000);
        assertThat(DestinationFlags.code(dest(h, "b1").state())).isEqualTo("TX");
        assertThat(requestsTo(h, 5072, "INVITE")).hasSize(1);
        h.receive(inviteTo("try", "c2@x", "z9hG4bK-b"));
        assertThat(requestsTo(h, 5071, "INVITE").stream().filter(s -> s.header("Call-ID").equals("c2@x"))).hasSize(1);
        h.clock.advance(2_000);
        assertThat(DestinationFlags.code(dest(h, "b1").state())).isEqualTo("IX");
    }

    @Test
    void a503WithRetryAfterTakesTheDestinationOutForThatLong() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(inviteTo("plain", "c1@x", "z9hG4bK-a"));
        answer(h, fwd, 503, "Busy", "Retry-After: 120\n");
        Destination b1 = dest(h, "b1");
        assertThat(b1.suspended(System.nanoTime())).isTrue();
        assertThat(DestinationFlags.code(b1.state())).isEqualTo("AX");
        // Not relayed as 503 (RFC 3261 §16.7 step 6).
        assertThat(toCaller(h)).endsWith("SIP/2.0 500 Server Internal Error");
        Sent next = h.receive(inviteTo("plain", "c2@x", "z9hG4bK-b"));
        assertThat(next.port()).isEqualTo(5072);
    }

    @Test
    void withoutFailoverTimerBEndsAnUnansweredInviteWith408() throws Exception {
        ProxyHarness h = harness();
        h.receive(inviteTo("plain", "c1@x", "z9hG4bK-a"));
        h.clock.advance(32_000);
        assertThat(toCaller(h)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 408 Request Timeout");
        assertThat(dest(h, "b1").selectable()).isTrue();
    }

    @Test
    void aCallRingingTooLongIsCancelledAndFailedOver() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(invite("c1@x", "z9hG4bK-a"));
        answer(h, fwd, 180, "Ringing");
        h.clock.advance(60_000);
        List<Sent> cancels = requestsTo(h, 5071, "CANCEL");
        assertThat(cancels).hasSize(1);
        assertThat(cancels.get(0).headers("Via")).containsExactly(fwd.headers("Via").get(0));
        assertThat(cancels.get(0).header("CSeq")).isEqualTo("1 CANCEL");
        assertThat(requestsTo(h, 5072, "INVITE")).hasSize(1);
        // The cancelled branch's 487 is acknowledged and not relayed.
        answer(h, fwd, 487, "Request Terminated");
        assertThat(requestsTo(h, 5071, "ACK")).hasSize(1);
        assertThat(toCaller(h)).doesNotContain("SIP/2.0 487 Request Terminated");
    }

    @Test
    void callsRingingOnADestinationThatDiesAreFailedOverAtOnce() throws Exception {
        ProxyHarness h = harness();
        Sent ringing = h.receive(invite("c1@x", "z9hG4bK-a"));
        answer(h, ringing, 180, "Ringing");
        // Another call finds b1 dead (500): b1 turns inactive, and the ringing call moves on.
        Sent second = h.receive(invite("c2@x", "z9hG4bK-b"));
        answer(h, second, 500, "Server Error");
        h.clock.advance(0);
        assertThat(requestsTo(h, 5071, "CANCEL")).hasSize(1);
        assertThat(requestsTo(h, 5072, "INVITE").stream().map(s -> s.header("Call-ID"))).containsExactlyInAnyOrder("c1@x", "c2@x");
    }

    // ---- call-load (algorithm 10) ----------------------------------------------------------------------

    @Test
    void callLoadRefusesTheCallBeyondMaxloadAndEveryEndGivesTheCountBack() throws Exception {
        ProxyHarness h = harness();
        Destination m1 = dest2(h);
        Sent c1 = h.receive(inviteTo("load", "l1@x", "z9hG4bK-l1"));
        Sent c2 = h.receive(inviteTo("load", "l2@x", "z9hG4bK-l2"));
        assertThat(m1.activeCalls()).isEqualTo(2);
        Sent refused = h.receive(inviteTo("load", "l3@x", "z9hG4bK-l3"));
        assertThat(refused.firstLine()).isEqualTo("SIP/2.0 486 All Lines Busy");
        answer(h, c1, 200, "OK");
        assertThat(m1.activeCalls()).isEqualTo(2); // an answered call still counts
        h.receive(request("BYE", "sip:load@127.0.0.1:5091", "l1@x", "z9hG4bK-bye1", 2, "uas",
            "Route: <sip:127.0.0.1:5060;lr>\n"));
        assertThat(m1.activeCalls()).isEqualTo(1);
        answer(h, c2, 480, "Temporarily Unavailable"); // a failed call gives its count back
        assertThat(m1.activeCalls()).isZero();
        assertThat(h.proxy.countedCalls()).isZero();
        Sent again = h.receive(inviteTo("load", "l4@x", "z9hG4bK-l4"));
        assertThat(again.port()).isEqualTo(5091);
    }

    @Test
    void aCancelledCallGivesItsCountBack() throws Exception {
        ProxyHarness h = harness();
        Destination m1 = dest2(h);
        Sent c1 = h.receive(inviteTo("load", "l1@x", "z9hG4bK-l1"));
        answer(h, c1, 180, "Ringing");
        h.receive(request("CANCEL", "sip:load@127.0.0.1:5060", "l1@x", "z9hG4bK-l1", 1, "", ""));
        assertThat(m1.activeCalls()).isEqualTo(1); // until the branch's 487
        answer(h, c1, 487, "Request Terminated");
        assertThat(m1.activeCalls()).isZero();
        // Cancelled before any provisional response: given back at once.
        h.receive(inviteTo("load", "l2@x", "z9hG4bK-l2"));
        h.receive(request("CANCEL", "sip:load@127.0.0.1:5060", "l2@x", "z9hG4bK-l2", 1, "", ""));
        assertThat(m1.activeCalls()).isZero();
    }

    static Destination dest2(ProxyHarness h) {
        return h.snapshot.table().destinations().stream().filter(d -> d.identity().equals("2/m1")).findFirst().orElseThrow();
    }

    // ---- CANCEL ---------------------------------------------------------------------------------------

    @Test
    void aCancelDuringRingingIsForwardedAndThe487Relayed() throws Exception {
        ProxyHarness h = harness();
        Sent fwd = h.receive(invite("c1@x", "z9hG4bK-a"));
        answer(h, fwd, 180, "Ringing");
        Sent ok = h.receive(request("CANCEL", "sip:alice@127.0.0.1:5060", "c1@x", "z9hG4bK-a", 1, "", ""));
        assertThat(requestsTo(h, 5071, "CANCEL")).hasSize(1);
        assertThat(toCaller(h)).contains("SIP/2.0 200 OK");
        answer(h, fwd, 487, "Request Terminated");
        assertThat(toCaller(h)).endsWith("SIP/2.0 487 Request Terminated");
        assertThat(requestsTo(h, 5071, "ACK")).hasSize(1);
        assertThat(h.counters.cancelsReceived.sum()).isEqualTo(1);
        assertThat(ok).isNotNull();
    }

    @Test
    void aCancelDuringFailoverStopsItCleanly() throws Exception {
        ProxyHarness h = harness();
        h.receive(invite("c1@x", "z9hG4bK-a"));
        h.clock.advance(2_000); // b1 silent: failed over to b2, which has not answered yet
        assertThat(requestsTo(h, 5072, "INVITE")).hasSize(1);
        h.receive(request("CANCEL", "sip:alice@127.0.0.1:5060", "c1@x", "z9hG4bK-a", 1, "", ""));
        assertThat(toCaller(h)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK", "SIP/2.0 487 Request Terminated");
        h.clock.advance(2_000);
        assertThat(requestsTo(h, 5073, "INVITE")).isEmpty();
        // b2 rings after all: it gets its CANCEL now (RFC 3261 §9.1).
        answer(h, requestsTo(h, 5072, "INVITE").get(0), 180, "Ringing");
        assertThat(requestsTo(h, 5072, "CANCEL")).hasSize(1);
        assertThat(toCaller(h)).doesNotContain("SIP/2.0 180 Ringing");
    }

    // ---- parallel forking -------------------------------------------------------------------------------

    @Test
    void algorithm12ForksToEveryDestinationSharingMaxBreadth() throws Exception {
        ProxyHarness h = harness();
        h.receive(inviteTo("all", "c1@x", "z9hG4bK-a"));
        for (int port : new int[] {5071, 5072, 5073}) {
            assertThat(requestsTo(h, port, "INVITE")).hasSize(1);
            assertThat(requestsTo(h, port, "INVITE").get(0).header("Max-Breadth")).isEqualTo("20");
        }
        Sent b2 = requestsTo(h, 5072, "INVITE").get(0);
        answer(h, requestsTo(h, 5071, "INVITE").get(0), 180, "Ringing");
        answer(h, requestsTo(h, 5073, "INVITE").get(0), 180, "Ringing");
        answer(h, b2, 200, "OK");
        assertThat(requestsTo(h, 5071, "CANCEL")).hasSize(1);
        assertThat(requestsTo(h, 5073, "CANCEL")).hasSize(1);
        assertThat(toCaller(h)).endsWith("SIP/2.0 200 OK");
    }

    @Test
    void parallelForkingStaysWithinTheReceivedMaxBreadth() throws Exception {
        ProxyHarness h = harness();
        h.receive(request("INVITE", "sip:all@127.0.0.1:5060", "c1@x", "z9hG4bK-a", 1, "", "Max-Breadth: 2\n"));
        long forks = h.sent.stream().filter(s -> s.firstLine().startsWith("INVITE ")).count();
        assertThat(forks).isEqualTo(2);
        assertThat(h.sent.stream().filter(s -> s.firstLine().startsWith("INVITE "))
            .map(s -> s.header("Max-Breadth"))).containsOnly("1");
        Sent refused = h.receive(request("INVITE", "sip:all@127.0.0.1:5060", "c2@x", "z9hG4bK-b", 1, "", "Max-Breadth: 0\n"));
        assertThat(refused.firstLine()).isEqualTo("SIP/2.0 440 Max-Breadth Exceeded");
    }

    @Test
    void parallelBranchesMergeToTheBestFinalResponse() throws Exception {
        ProxyHarness h = harness();
        h.receive(inviteTo("all", "c1@x", "z9hG4bK-a"));
        answer(h, requestsTo(h, 5071, "INVITE").get(0), 486, "Busy Here");
        answer(h, requestsTo(h, 5072, "INVITE").get(0), 404, "Not Found");
        assertThat(toCaller(h)).containsExactly("SIP/2.0 100 Trying");
        answer(h, requestsTo(h, 5073, "INVITE").get(0), 302, "Moved");
        assertThat(toCaller(h)).endsWith("SIP/2.0 302 Moved");
    }
}
