package io.sipdispatch.server.proxy;

import static io.sipdispatch.server.proxy.ProxyHarness.LISTEN;
import static io.sipdispatch.server.proxy.ProxyHarness.invite;
import static io.sipdispatch.server.proxy.StatefulProxyTest.backend;
import static io.sipdispatch.server.proxy.StatefulProxyTest.response;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.dispatcher.Attributes;
import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationRecord;
import io.sipdispatch.server.proxy.ProxyHarness.Sent;
import io.sipdispatch.sip.Via;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** RFC 7339 overload control with round-robin-overload (Kamailio 64): offered in our Via, honoured from responses. */
class OverloadControlTest {
    static final String LIST = """
        1 sip:127.0.0.1:5071 0 0 duid=b1
        1 sip:127.0.0.1:5072 0 0 duid=b2
        """;

    static ProxyHarness harness(String mode) throws Exception {
        return new ProxyHarness(LISTEN + """
            dispatcher:
              list_file: dispatcher.list
            routes:
              - name: oc
                match: { ruri_user: '^oc' }
                mode: MODE
                dispatch: { set: 1, algorithm: 64 }
              - name: plain
                mode: MODE
                dispatch: { set: 1, algorithm: 4 }
            """.replace("MODE", mode), LIST);
    }

    static String ocInvite(int n) {
        return invite("oc-" + n + "@x", "z9hG4bK-oc" + n).replace("INVITE sip:alice@", "INVITE sip:oc@");
    }

    /** A response to {@code req} whose top Via (ours) has its offer answered with {@code params} (RFC 7339 §5.1). */
    static String withOc(Sent req, int code, String params) {
        String r = response(req, code, code == 200 ? "OK" : "Service Unavailable", "");
        String top = req.headers("Via").get(0).replace(OverloadControl.OFFER, ";oc-algo=\"loss\"");
        return r.replaceFirst("Via: [^\n]*\n", java.util.regex.Matcher.quoteReplacement("Via: " + top + params + "\n"));
    }

    /** The ports the next {@code n} oc calls go to first. */
    static List<Integer> firsts(ProxyHarness h, int from, int n) {
        List<Integer> ports = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            ports.add(h.receive(ocInvite(i)).port());
        }
        return ports;
    }

    @Test
    void requestsDispatchedByRoundRobinOverloadOfferOverloadControlAndOthersDoNot() throws Exception {
        for (String mode : new String[] {"stateful", "stateless"}) {
            ProxyHarness h = harness(mode);
            Sent oc = h.receive(ocInvite(1));
            assertThat(oc.headers("Via").get(0)).endsWith(";oc;oc-algo=\"loss\"");
            Sent plain = h.receive(invite("plain@x", "z9hG4bK-plain"));
            assertThat(plain.headers("Via").get(0)).doesNotContain(";oc");
        }
    }

    @Test
    void aDestinationAskingToShedEverythingGetsNoFirstAttemptUntilItsValidityEnds() throws Exception {
        for (String mode : new String[] {"stateful", "stateless"}) {
            ProxyHarness h = harness(mode);
            List<Integer> before = firsts(h, 0, 4);
            assertThat(before).containsExactlyInAnyOrder(5071, 5071, 5072, 5072);
            Sent toB1 = h.sent.stream().filter(s -> s.port() == 5071).findFirst().orElseThrow();
            h.receive(0, backend(5071), withOc(toB1, 200, ";oc=100;oc-validity=60000;oc-seq=1282321615.781"));
            assertThat(h.counters.overloadUpdates.sum()).isEqualTo(1);
            assertThat(firsts(h, 10, 6)).as(mode).containsOnly(5072);
            // An older update arriving late changes nothing.
            h.receive(0, backend(5071), withOc(toB1, 200, ";oc=0;oc-validity=60000;oc-seq=1282321615.780"));
            assertThat(firsts(h, 20, 4)).as(mode).containsOnly(5072);
            // A newer one with validity 0 ends the reduction.
            h.receive(0, backend(5071), withOc(toB1, 200, ";oc=100;oc-validity=0;oc-seq=1282321616"));
            assertThat(firsts(h, 30, 4)).as(mode).contains(5071);
        }
    }

    @Test
    void theParametersReadAsRfc7339WritesThem() throws Exception {
        Destination d = new Destination(new DestinationRecord(1, "sip:127.0.0.1:5071", 0, 0, Attributes.NONE, ""));
        long now = 1_000_000_000L;
        assertThat(OverloadControl.apply(Via.parse("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx;oc"), d, now)).isFalse();
        assertThat(OverloadControl.apply(Via.parse("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx;oc=abc"), d, now)).isFalse();
        assertThat(OverloadControl.apply(Via.parse("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx;oc=20"), d, now)).isTrue();
        // No oc-validity: the default 500 ms.
        assertThat(d.overloadRate(now + TimeUnit.MILLISECONDS.toNanos(499))).isEqualTo(20);
        assertThat(d.overloadRate(now + TimeUnit.MILLISECONDS.toNanos(500))).isZero();
        assertThat(OverloadControl.apply(Via.parse("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx;oc=150;oc-validity=1000"),
            d, now)).isTrue();
        assertThat(d.overloadRate(now)).isEqualTo(100);
        assertThat(OverloadControl.sequence("1282321615.781")).isEqualTo(1_282_321_615_781_000L);
        assertThat(OverloadControl.sequence("1282321615.781")).isLessThan(OverloadControl.sequence("1282321615.79"));
        assertThat(OverloadControl.sequence("17")).isEqualTo(17_000_000L);
        assertThat(OverloadControl.sequence("1.")).isEqualTo(-1);
        assertThat(OverloadControl.sequence("x1")).isEqualTo(-1);
    }
}
