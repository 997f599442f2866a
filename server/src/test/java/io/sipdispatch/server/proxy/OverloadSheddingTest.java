package io.sipdispatch.server.proxy;

import static io.sipdispatch.server.proxy.ProxyHarness.UAC;
import static io.sipdispatch.server.proxy.ProxyHarness.invite;
import static io.sipdispatch.server.proxy.ProxyHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.server.proxy.ProxyHarness.Sent;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Overload: new requests refused early and cheaply with 503, what is under way served. */
class OverloadSheddingTest {
    static final InetSocketAddress B1 = new InetSocketAddress("127.0.0.1", 5071);

    static ProxyHarness harness(String overload) throws Exception {
        return new ProxyHarness(ProxyHarness.LISTEN + "limits: { overload: { " + overload + " } }\n" + """
            mode: stateless
            dispatcher: { list_file: x.list }
            routes:
              - dispatch: { set: 1 }
            """, "1 sip:127.0.0.1:5071 0 0\n");
    }

    static void overloaded(ProxyHarness h) {
        h.behindNanos = TimeUnit.MILLISECONDS.toNanos(50);
        h.queueFill = 0.8f;
    }

    @Test
    void aNewCallIsRefused503WithRetryAfterWhileReadsAreBehindAndTheQueueFills() throws Exception {
        ProxyHarness h = harness("shed_after: 20ms, retry_after: 7s");
        overloaded(h);
        Sent r = h.receive(invite("c1@x", "z9hG4bK-1"));
        assertThat(r.to()).isEqualTo(UAC);
        assertThat(r.firstLine()).isEqualTo("SIP/2.0 503 Service Unavailable");
        assertThat(r.header("Retry-After")).isEqualTo("7");
        Sent options = h.receive(request("OPTIONS", "sip:x@127.0.0.1:5060", "c2@x", "z9hG4bK-2", 1, "", ""));
        assertThat(options.firstLine()).as("any request out of a dialog").startsWith("SIP/2.0 503");
        assertThat(h.counters.refusedOverload.sum()).isEqualTo(2);
    }

    @Test
    void whatIsUnderWayGoesOnWhileNewCallsAreRefused() throws Exception {
        ProxyHarness h = harness("shed_after: 20ms");
        overloaded(h);
        Sent bye = h.receive(request("BYE", "sip:callee@127.0.0.1:5071", "c1@x", "z9hG4bK-b", 2, "t1",
            "Route: <sip:127.0.0.1:5060;lr>\n"));
        assertThat(bye.firstLine()).as("in dialog").startsWith("BYE ");
        assertThat(bye.to()).isEqualTo(B1);
        Sent cancel = h.receive(request("CANCEL", "sip:alice@127.0.0.1:5060", "c3@x", "z9hG4bK-c", 1, "", ""));
        assertThat(cancel.firstLine()).startsWith("CANCEL ");
        Sent ack = h.receive(request("ACK", "sip:callee@127.0.0.1:5071", "c1@x", "z9hG4bK-a", 1, "t1",
            "Route: <sip:127.0.0.1:5060;lr>\n"));
        assertThat(ack.firstLine()).as("a 2xx ACK").startsWith("ACK ");
        Sent ok = h.receive(0, B1, "SIP/2.0 200 OK\n"
            + "Via: " + String.join("\nVia: ", bye.headers("Via")) + "\n"
            + "From: <sip:caller@127.0.0.1:5555>;tag=f1\nTo: <sip:alice@127.0.0.1:5060>;tag=t9\n"
            + "Call-ID: c1@x\nCSeq: 2 BYE\nContent-Length: 0\n\n");
        assertThat(ok.firstLine()).as("a response").isEqualTo("SIP/2.0 200 OK");
        assertThat(ok.to()).isEqualTo(UAC);
        assertThat(h.counters.refusedOverload.sum()).isZero();
    }

    @Test
    void readsBehindWithRoomInTheQueueOrForLessThanShedAfterAreAPauseNotOverload() throws Exception {
        ProxyHarness h = harness("shed_after: 20ms");
        h.behindNanos = TimeUnit.MILLISECONDS.toNanos(50);
        h.queueFill = 0.2f; // a collector's pause being caught up: the kernel has room
        assertThat(h.receive(invite("c1@x", "z9hG4bK-1")).to()).isEqualTo(B1);
        h.behindNanos = TimeUnit.MILLISECONDS.toNanos(5);
        h.queueFill = 0.9f; // full, but only just behind
        assertThat(h.receive(invite("c2@x", "z9hG4bK-2")).to()).isEqualTo(B1);
        h.behindNanos = TimeUnit.MILLISECONDS.toNanos(50);
        h.queueFill = -1; // a queue that cannot be seen: being behind decides
        assertThat(h.receive(invite("c3@x", "z9hG4bK-3")).firstLine()).startsWith("SIP/2.0 503");
        assertThat(h.counters.refusedOverload.sum()).isEqualTo(1);
    }

    @Test
    void aFullQueueThatIsShrinkingIsAPauseBeingCaughtUpNotOverload() throws Exception {
        ProxyHarness h = harness("shed_after: 20ms");
        overloaded(h);
        h.queueShrinking = true; // fuller than queue_fill, but less full than 100 ms ago: the reads are winning
        assertThat(h.receive(invite("c1@x", "z9hG4bK-1")).to()).isEqualTo(B1);
        h.queueShrinking = false; // no longer shrinking: arrivals outgrow the reads
        assertThat(h.receive(invite("c2@x", "z9hG4bK-2")).firstLine()).startsWith("SIP/2.0 503");
        assertThat(h.counters.refusedOverload.sum()).isEqualTo(1);
    }

    @Test
    void sheddingIsOffUnlessShedAfterIsSet() throws Exception {
        for (String overload : new String[] {"", "shed_after: 0s"}) {
            ProxyHarness h = harness(overload);
            overloaded(h);
            assertThat(h.receive(invite("c1@x", "z9hG4bK-1")).to()).as(overload).isEqualTo(B1);
        }
    }

    @Test
    void theAckOfA503ThisServerSentEndsHereInsteadOfBeingForwarded() throws Exception {
        ProxyHarness h = harness("shed_after: 20ms");
        overloaded(h);
        Sent refused = h.receive(invite("c1@x", "z9hG4bK-1"));
        String tag = refused.header("To").replaceAll(".*;tag=", "");
        int before = h.sent.size();
        h.behindNanos = 0;
        assertThat(h.receive(request("ACK", "sip:alice@127.0.0.1:5060", "c1@x", "z9hG4bK-1", 1, tag, ""))).isNull();
        assertThat(h.sent).hasSize(before);
        assertThat(h.counters.acksAbsorbed.sum()).isEqualTo(1);
        // Another call's ACK with a tag not made here goes on.
        assertThat(h.receive(request("ACK", "sip:alice@127.0.0.1:5060", "c2@x", "z9hG4bK-2", 1, tag, ""))).isNotNull();
    }
}
