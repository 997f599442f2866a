package io.sipdispatch.server.proxy;

import static io.sipdispatch.server.proxy.ProxyHarness.LISTEN;
import static io.sipdispatch.server.proxy.ProxyHarness.UAC;
import static io.sipdispatch.server.proxy.ProxyHarness.invite;
import static io.sipdispatch.server.proxy.ProxyHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.server.proxy.ProxyHarness.Sent;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The stateless proxy, RFC 3261 §16, with the transports replaced by a recorder. */
class StatelessProxyTest {
    static final String LIST = """
        1 sip:127.0.0.1:5071 0 0 duid=b1
        1 sip:127.0.0.1:5072 0 0 duid=b2
        1 sip:127.0.0.1:5073 0 0 duid=b3
        2 sip:127.0.0.1:5081;transport=tcp 0 0
        3 sips:127.0.0.1:5091 0 0
        4 sip:[::1]:5071 0 0
        """;

    static ProxyHarness harness(String extra) throws Exception {
        return new ProxyHarness(LISTEN + extra + """
            mode: stateless
            dispatcher:
              list_file: dispatcher.list
            routes:
              - name: tcp-out
                match: { ruri_user: '^tcp' }
                dispatch: { set: 2, algorithm: round-robin }
              - name: tls-out
                match: { ruri_user: '^tls' }
                dispatch: { set: 3, algorithm: round-robin }
              - name: v6-out
                match: { ruri_user: '^six' }
                dispatch: { set: 4, algorithm: round-robin }
              - name: domain
                match: { ruri_user: '^dom' }
                dispatch: { set: 1, algorithm: round-robin, target: request-uri }
              - name: forbidden
                match: { ruri_user: '^deny' }
                reply: { code: 403, reason: Go Away }
              - name: relay
                match: { ruri_host: '^10\\.' }
                relay: request-uri
              - name: everything
                dispatch: { set: 1, algorithm: round-robin }
                when_none_left: { reply: 404, reason: No destination }
            """, LIST);
    }

    static ProxyHarness harness() throws Exception {
        return harness("");
    }

    @Test
    void forwardsAnInviteToTheChosenDestinationAsOutboundProxy() throws Exception {
        ProxyHarness h = harness();
        Sent s = h.receive(invite("c1@x", "z9hG4bK-a"));
        assertThat(s.to().getPort()).isIn(5071, 5072, 5073);
        assertThat(s.firstLine()).isEqualTo("INVITE sip:alice@127.0.0.1:5060 SIP/2.0");
        assertThat(s.headers("Via")).hasSize(2);
        assertThat(s.headers("Via").get(0)).startsWith("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKsd");
        assertThat(s.headers("Via").get(1)).isEqualTo("SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bK-a");
        assertThat(s.header("Max-Forwards")).isEqualTo("69");
        assertThat(s.header("Record-Route")).isEqualTo("<sip:127.0.0.1:5060;lr>");
        assertThat(h.counters.requestsForwarded.sum()).isEqualTo(1);
    }

    @Test
    void roundRobinSpreadsNewRequestsButARetransmissionKeepsItsDestinationAndBranch() throws Exception {
        ProxyHarness h = harness();
        Sent a = h.receive(invite("c1@x", "z9hG4bK-a"));
        Sent b = h.receive(invite("c2@x", "z9hG4bK-b"));
        Sent a2 = h.receive(invite("c1@x", "z9hG4bK-a"));
        assertThat(a.port()).isNotEqualTo(b.port());
        assertThat(a2.port()).isEqualTo(a.port());
        assertThat(a2.headers("Via").get(0)).isEqualTo(a.headers("Via").get(0));
    }

    @Test
    void cancelReachesTheDestinationOfItsInviteWithTheSameBranch() throws Exception {
        ProxyHarness h = harness();
        Sent inv = h.receive(invite("c1@x", "z9hG4bK-a"));
        h.receive(invite("c2@x", "z9hG4bK-b"));
        h.receive(invite("c3@x", "z9hG4bK-c"));
        Sent cancel = h.receive(request("CANCEL", "sip:alice@127.0.0.1:5060", "c1@x", "z9hG4bK-a", 1, "", ""));
        assertThat(cancel.port()).isEqualTo(inv.port());
        assertThat(cancel.headers("Via").get(0)).isEqualTo(inv.headers("Via").get(0));
        assertThat(cancel.header("Record-Route")).isNull();
        assertThat(h.counters.affinityHits.sum()).isEqualTo(1);
    }

    @Test
    void theAckOfANon2xxFinalResponseFollowsItsInvite() throws Exception {
        ProxyHarness h = harness();
        Sent inv = h.receive(invite("c1@x", "z9hG4bK-a"));
        h.receive(invite("c2@x", "z9hG4bK-b"));
        Sent ack = h.receive(request("ACK", "sip:alice@127.0.0.1:5060", "c1@x", "z9hG4bK-a", 1, "t486", ""));
        assertThat(ack.port()).isEqualTo(inv.port());
        assertThat(ack.headers("Via").get(0)).isEqualTo(inv.headers("Via").get(0));
    }

    @Test
    void aCancelWithoutAKnownInviteIsCountedAsAMissAndRoutedByTheRules() throws Exception {
        ProxyHarness h = harness();
        Sent cancel = h.receive(request("CANCEL", "sip:alice@127.0.0.1:5060", "c9@x", "z9hG4bK-z", 1, "", ""));
        assertThat(cancel).isNotNull();
        assertThat(h.counters.affinityMisses.sum()).isEqualTo(1);
    }

    @Test
    void maxForwardsZeroIsAnswered483AndNotForwarded() throws Exception {
        ProxyHarness h = harness();
        Sent r = h.receive(invite("c1@x", "z9hG4bK-a").replace("Max-Forwards: 70", "Max-Forwards: 0"));
        assertThat(r.firstLine()).isEqualTo("SIP/2.0 483 Too Many Hops");
        assertThat(r.to()).isEqualTo(UAC);
        assertThat(r.header("To")).contains(";tag=");
        assertThat(h.counters.requestsForwarded.sum()).isZero();
        assertThat(h.counters.rejectedCount(io.sipdispatch.sip.Violation.TOO_MANY_HOPS)).isEqualTo(1);
    }

    @Test
    void aMissingMaxForwardsIsAddedAs70() throws Exception {
        Sent s = harness().receive(invite("c1@x", "z9hG4bK-a").replace("Max-Forwards: 70\n", ""));
        assertThat(s.header("Max-Forwards")).isEqualTo("70");
    }

    @Test
    void anUnsupportedProxyRequireIsAnswered420WithUnsupported() throws Exception {
        Sent r = harness().receive(request("INVITE", "sip:alice@127.0.0.1:5060", "c1@x", "z9hG4bK-a", 1, "",
            "Proxy-Require: foo, bar\n"));
        assertThat(r.firstLine()).isEqualTo("SIP/2.0 420 Bad Extension");
        assertThat(r.header("Unsupported")).isEqualTo("foo, bar");
    }

    @Test
    void aRequestWithoutCallIdIsAnswered400() throws Exception {
        Sent r = harness().receive(invite("c1@x", "z9hG4bK-a").replace("Call-ID: c1@x\n", ""));
        assertThat(r.firstLine()).startsWith("SIP/2.0 400");
    }

    @Test
    void anAckIsNeverAnswered() throws Exception {
        ProxyHarness h = harness();
        Sent r = h.receive(request("ACK", "sip:alice@127.0.0.1:5060", "c1@x", "z9hG4bK-a", 1, "t", "")
            .replace("Max-Forwards: 70", "Max-Forwards: 0"));
        assertThat(r).isNull();
    }

    @Test
    void aLoopIsAnswered482ButASpiralPasses() throws Exception {
        ProxyHarness h = harness();
        Sent first = h.receive(invite("c1@x", "z9hG4bK-a"));
        // The request comes back unchanged through another hop: a loop.
        String looped = first.text().replaceFirst("Via: ", "Via: SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-next\r\nVia: ");
        Sent r = h.receive(0, new InetSocketAddress("127.0.0.1", 5071), looped);
        assertThat(r.firstLine()).isEqualTo("SIP/2.0 482 Loop Detected");
        assertThat(h.counters.loops.sum()).isEqualTo(1);
        // Retargeted in between: a spiral, forwarded.
        String spiral = looped.replace("INVITE sip:alice@127.0.0.1:5060", "INVITE sip:bob@127.0.0.1:5060");
        Sent s = h.receive(0, new InetSocketAddress("127.0.0.1", 5071), spiral);
        assertThat(s.firstLine()).startsWith("INVITE sip:bob@");
        assertThat(s.headers("Via")).hasSize(4);
    }

    @Test
    void rportAndReceivedAreRecordedInTheTopVia() throws Exception {
        ProxyHarness h = harness();
        String req = invite("c1@x", "z9hG4bK-a").replace("127.0.0.1:5555;branch=z9hG4bK-a", "10.9.9.9:5060;rport;branch=z9hG4bK-a");
        Sent s = h.receive(0, new InetSocketAddress("127.0.0.1", 40000), req);
        assertThat(s.headers("Via").get(1)).contains("rport=40000").contains("received=127.0.0.1");
        Sent noRport = h.receive(0, new InetSocketAddress("127.0.0.1", 40000),
            invite("c2@x", "z9hG4bK-b").replace("127.0.0.1:5555;", "10.9.9.9:5060;"));
        assertThat(noRport.headers("Via").get(1)).contains("received=127.0.0.1").doesNotContain("rport");
    }

    @Test
    void aResponseToOurViaIsPoppedAndSentToTheNextVia() throws Exception {
        ProxyHarness h = harness();
        Sent inv = h.receive(0, new InetSocketAddress("127.0.0.1", 40000),
            invite("c1@x", "z9hG4bK-a").replace("127.0.0.1:5555;", "127.0.0.1:5555;rport;"));
        String ourVia = inv.headers("Via").get(0);
        String callerVia = inv.headers("Via").get(1);
        String resp = "SIP/2.0 180 Ringing\n"
            + "Via: " + ourVia + ", " + callerVia + "\n" // both values on one line, as SIPp writes them
            + "From: <sip:caller@127.0.0.1:5555>;tag=f1\nTo: <sip:alice@127.0.0.1:5060>;tag=t1\n"
            + "Call-ID: c1@x\nCSeq: 1 INVITE\nContent-Length: 0\n\n";
        Sent r = h.receive(0, inv.to(), resp);
        assertThat(r.firstLine()).isEqualTo("SIP/2.0 180 Ringing");
        assertThat(r.headers("Via")).containsExactly(callerVia);
        assertThat(r.to()).isEqualTo(new InetSocketAddress("127.0.0.1", 40000)); // received + rport
        assertThat(h.counters.responsesForwarded.sum()).isEqualTo(1);
    }

    @Test
    void aResponseWhoseTopViaIsNotOursIsDroppedAndCounted() throws Exception {
        ProxyHarness h = harness();
        Sent r = h.receive(0, new InetSocketAddress("127.0.0.1", 5071), "SIP/2.0 200 OK\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bK-a\n"
            + "From: <sip:c@x>;tag=1\nTo: <sip:a@x>;tag=2\nCall-ID: c\nCSeq: 1 INVITE\nContent-Length: 0\n\n");
        assertThat(r).isNull();
        assertThat(h.counters.droppedCount(ProxyCounters.Drop.RESPONSE_NOT_OURS)).isEqualTo(1);
    }

    @Test
    void anInDialogRequestIsLooseRoutedByOurRouteToTheRequestUri() throws Exception {
        ProxyHarness h = harness();
        Sent s = h.receive(request("BYE", "sip:callee@127.0.0.1:5072", "c1@x", "z9hG4bK-b", 2, "t1",
            "Route: <sip:127.0.0.1:5060;lr>\n"));
        assertThat(s.to()).isEqualTo(new InetSocketAddress("127.0.0.1", 5072));
        assertThat(s.header("Route")).isNull();
        assertThat(s.firstLine()).isEqualTo("BYE sip:callee@127.0.0.1:5072 SIP/2.0");
    }

    @Test
    void bothEntriesOfADoubleRecordRouteArePoppedAndTheNextRouteIsFollowed() throws Exception {
        ProxyHarness h = harness();
        Sent s = h.receive(request("BYE", "sip:callee@127.0.0.1:5072", "c1@x", "z9hG4bK-b", 2, "t1",
            "Route: <sip:127.0.0.1:5060;r2=on;lr>, <sip:127.0.0.1:5060;transport=tcp;r2=on;lr>\n"
                + "Route: <sip:127.0.0.1:5099;lr>\n"));
        assertThat(s.to()).isEqualTo(new InetSocketAddress("127.0.0.1", 5099));
        assertThat(s.headers("Route")).containsExactly("<sip:127.0.0.1:5099;lr>");
    }

    @Test
    void aRequestFromAStrictRouterGetsItsRequestUriBackFromTheLastRoute() throws Exception {
        // §16.4: the previous hop put our Record-Route URI into the Request-URI.
        ProxyHarness h = harness();
        Sent s = h.receive(request("BYE", "sip:127.0.0.1:5060;lr", "c1@x", "z9hG4bK-b", 2, "t1",
            "Route: <sip:callee@127.0.0.1:5072>\n"));
        assertThat(s.firstLine()).isEqualTo("BYE sip:callee@127.0.0.1:5072 SIP/2.0");
        assertThat(s.to()).isEqualTo(new InetSocketAddress("127.0.0.1", 5072));
        assertThat(s.header("Route")).isNull();
    }

    @Test
    void aNextHopThatIsAStrictRouterGetsTheRequestUriAndTheOldOneGoesLast() throws Exception {
        ProxyHarness h = harness();
        Sent s = h.receive(request("BYE", "sip:callee@127.0.0.1:5072", "c1@x", "z9hG4bK-b", 2, "t1",
            "Route: <sip:127.0.0.1:5060;lr>, <sip:127.0.0.1:5099>\n"));
        assertThat(s.firstLine()).isEqualTo("BYE sip:127.0.0.1:5099 SIP/2.0");
        assertThat(s.to()).isEqualTo(new InetSocketAddress("127.0.0.1", 5099));
        assertThat(s.headers("Route")).containsExactly("<sip:callee@127.0.0.1:5072>");
    }

    @Test
    void udpInTcpOutGetsTwoRecordRoutesAndAViaForTcp() throws Exception {
        ProxyHarness h = harness();
        Sent s = h.receive(invite("c1@x", "z9hG4bK-a").replace("sip:alice@", "sip:tcpuser@"));
        assertThat(s.via().transport().name()).isEqualTo("TCP");
        assertThat(s.to()).isEqualTo(new InetSocketAddress("127.0.0.1", 5081));
        assertThat(s.headers("Via").get(0)).startsWith("SIP/2.0/TCP 127.0.0.1:5060;branch=");
        assertThat(s.headers("Record-Route")).containsExactly(
            "<sip:127.0.0.1:5060;transport=tcp;r2=on;lr>", "<sip:127.0.0.1:5060;r2=on;lr>");
    }

    @Test
    void ipv4InIpv6OutWritesTheIpv6AddressIntoViaAndRecordRoute() throws Exception {
        ProxyHarness h = harness();
        Sent s = h.receive(invite("c1@x", "z9hG4bK-a").replace("sip:alice@", "sip:sixuser@"));
        assertThat(s.via().ipv6()).isTrue();
        assertThat(s.headers("Via").get(0)).startsWith("SIP/2.0/UDP [::1]:5060;branch=");
        assertThat(s.headers("Record-Route")).containsExactly("<sip:[::1]:5060;r2=on;lr>", "<sip:127.0.0.1:5060;r2=on;lr>");
    }

    @Test
    void aRequestThatCameOverTcpIsNotForwardedOverUdpStatelessly() throws Exception {
        ProxyHarness h = harness();
        Sent r = h.receive(1, UAC, invite("c1@x", "z9hG4bK-a").replace("SIP/2.0/UDP 127.0.0.1:5555", "SIP/2.0/TCP 127.0.0.1:5555"));
        assertThat(r.firstLine()).isEqualTo("SIP/2.0 404 No destination");
        assertThat(r.connection()).isEqualTo("conn-" + UAC);
        Sent ok = h.receive(1, UAC, invite("c2@x", "z9hG4bK-b").replace("sip:alice@", "sip:tcpuser@")
            .replace("SIP/2.0/UDP 127.0.0.1:5555", "SIP/2.0/TCP 127.0.0.1:5555"));
        assertThat(ok.firstLine()).startsWith("INVITE");
        assertThat(ok.headers("Via").get(1)).contains("received=127.0.0.1").contains("rport=5555");
    }

    @Test
    void aPreloadedRouteNamingThisServerIsNoWayAroundTheRules() throws Exception {
        ProxyHarness h = harness();
        // 192.0.2.9 matches no relay rule: the rules dispatch it to set 1, the Route notwithstanding.
        Sent s = h.receive(request("INVITE", "sip:victim@192.0.2.9:5060", "c-pre@x", "z9hG4bK-pre", 1, "",
            "Route: <sip:127.0.0.1:5060;lr>\n"));
        assertThat(s.to().getAddress().getHostAddress()).as("not relayed to the Request-URI").isEqualTo("127.0.0.1");
        assertThat(s.to().getPort()).isIn(5071, 5072, 5073);
        assertThat(s.headers("Route")).as("this server's Route taken off").isEmpty();
    }

    @Test
    void anAckThatCameOverTcpGoesOnOverUdpSinceItsSenderRetransmitsIt() throws Exception {
        ProxyHarness h = harness();
        Sent ack = h.receive(1, UAC, request("ACK", "sip:callee@127.0.0.1:5072", "c1@x", "z9hG4bK-ack", 1, "t1",
            "Route: <sip:127.0.0.1:5060;transport=tcp;r2=on;lr>, <sip:127.0.0.1:5060;r2=on;lr>\n")
            .replace("SIP/2.0/UDP 127.0.0.1:5555", "SIP/2.0/TCP 127.0.0.1:5555"));
        assertThat(ack).as("the ACK of a 2xx, forwarded").isNotNull();
        assertThat(ack.firstLine()).isEqualTo("ACK sip:callee@127.0.0.1:5072 SIP/2.0");
        assertThat(ack.via().transport().name()).isEqualTo("UDP");
        assertThat(ack.to()).isEqualTo(new InetSocketAddress("127.0.0.1", 5072));
    }

    @Test
    void aSipsDestinationIsNeverReachedOverUdpOrTcp() throws Exception {
        ProxyHarness h = harness();
        Sent r = h.receive(invite("c1@x", "z9hG4bK-a").replace("sip:alice@", "sip:tlsuser@"));
        assertThat(r.firstLine()).startsWith("SIP/2.0 503");
        assertThat(r.to()).isEqualTo(UAC);
    }

    @Test
    void whenNoDestinationIsLeftTheRouteReplyIsSent() throws Exception {
        ProxyHarness h = harness();
        h.snapshot.table().set(1).destinations().forEach(d -> d.updateState(DestinationFlags.INACTIVE, 0));
        Sent r = h.receive(invite("c1@x", "z9hG4bK-a"));
        assertThat(r.firstLine()).isEqualTo("SIP/2.0 404 No destination");
        assertThat(h.counters.noDestination.sum()).isEqualTo(1);
    }

    @Test
    void requestUriTargetRewritesHostAndPortLikeDsSelectDomain() throws Exception {
        Sent s = harness().receive(invite("c1@x", "z9hG4bK-a").replace("sip:alice@", "sip:domuser@"));
        assertThat(s.firstLine()).isEqualTo("INVITE sip:domuser@127.0.0.1:" + s.to().getPort() + " SIP/2.0");
        assertThat(s.to().getPort()).isIn(5071, 5072, 5073);
    }

    @Test
    void aReplyRuleAnswersWithItsCodeAndReason() throws Exception {
        Sent r = harness().receive(invite("c1@x", "z9hG4bK-a").replace("sip:alice@", "sip:denyme@"));
        assertThat(r.firstLine()).isEqualTo("SIP/2.0 403 Go Away");
    }

    @Test
    void aRelayRuleSendsToTheRequestUri() throws Exception {
        Sent s = harness().receive(invite("c1@x", "z9hG4bK-a").replace("sip:alice@127.0.0.1:5060", "sip:alice@10.0.0.7:5077"));
        assertThat(s.to()).isEqualTo(new InetSocketAddress("10.0.0.7", 5077));
    }

    @Test
    void registerGetsAPathNamingUsWhenAsked() throws Exception {
        ProxyHarness h = harness("path: true\n");
        Sent s = h.receive(request("REGISTER", "sip:127.0.0.1:5060", "r1@x", "z9hG4bK-r", 1, "", ""));
        assertThat(s.header("Path")).isEqualTo("<sip:127.0.0.1:5060;lr>");
        assertThat(s.header("Record-Route")).isNull();
        Sent without = harness().receive(request("REGISTER", "sip:127.0.0.1:5060", "r1@x", "z9hG4bK-r", 1, "", ""));
        assertThat(without.header("Path")).isNull();
    }
}
