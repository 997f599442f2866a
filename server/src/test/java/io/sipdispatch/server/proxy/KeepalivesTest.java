package io.sipdispatch.server.proxy;

import static io.sipdispatch.server.proxy.ProxyHarness.LISTEN;
import static io.sipdispatch.server.proxy.StatefulProxyTest.backend;
import static io.sipdispatch.server.proxy.StatefulProxyTest.response;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.server.proxy.ProxyHarness.Sent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keepalive probing on a virtual clock: what is probed, when, and what the replies do to the state. */
class KeepalivesTest {
    static final String LIST = """
        1 sip:127.0.0.1:5071 0 30 duid=b1
        1 sip:127.0.0.1:5072 0 20 duid=b2
        1 sip:127.0.0.1:5073 32 10 duid=b3
        2 sip:127.0.0.1:5081 0 0 duid=c1;ping_from=sip:lb@example.net
        """;

    static ProxyHarness harness(String probing) throws Exception {
        ProxyHarness h = new ProxyHarness(LISTEN + """
            dispatcher:
              list_file: dispatcher.list
              probing: {""" + probing + """
             }
            routes:
              - dispatch: { set: 1, algorithm: 8, failover: { on: [timeout] } }
            """, LIST);
        h.proxy.startKeepalives();
        h.clock.advance(0);
        return h;
    }

    static List<Sent> probes(ProxyHarness h, int port) {
        return h.sent.stream().filter(s -> s.port() == port && s.firstLine().startsWith("OPTIONS ")).toList();
    }

    static Destination dest(ProxyHarness h, String identity) {
        return h.snapshot.table().destinations().stream().filter(d -> d.identity().equals(identity)).findFirst()
            .orElseThrow();
    }

    static void answer(ProxyHarness h, Sent probe, int code) {
        h.receive(0, backend(probe.port()), response(probe, code, "Whatever", ""));
    }

    @Test
    void everyDestinationIsProbedOncePerIntervalSpreadOverIt() throws Exception {
        ProxyHarness h = harness(" interval: 900ms, timeout: 500ms ");
        // Three probed destinations (b3 has the no-ping flag 32), one interval: 0, 300 and 600 ms in.
        assertThat(h.sent).hasSize(1);
        h.clock.advance(299);
        assertThat(h.sent).hasSize(1);
        h.clock.advance(1);
        assertThat(h.sent).hasSize(2);
        h.clock.advance(300);
        assertThat(h.sent).hasSize(3);
        h.clock.advance(300);
        assertThat(h.sent).hasSize(4);
        assertThat(probes(h, 5073)).isEmpty();
        Sent p = probes(h, 5071).get(0);
        assertThat(p.firstLine()).isEqualTo("OPTIONS sip:127.0.0.1:5071 SIP/2.0");
        assertThat(p.header("Max-Forwards")).isEqualTo("1");
        assertThat(p.header("Via")).startsWith("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKsdk");
        assertThat(p.header("From")).startsWith("<sip:dispatcher@localhost>;tag=");
        assertThat(probes(h, 5081).get(0).header("From")).startsWith("<sip:lb@example.net>;tag=");
    }

    @Test
    void aDestinationGoesDownAtTheThresholdAndComesBackAtTheRecoveryThreshold() throws Exception {
        ProxyHarness h = harness(" interval: 1s, timeout: 500ms, threshold: 2, recovery_threshold: 2 ");
        Destination b1 = dest(h, "1/b1");
        h.clock.advance(500); // the first probe times out
        assertThat(DestinationFlags.code(b1.state())).isEqualTo("TP");
        assertThat(b1.selectable()).isTrue();
        h.clock.advance(1000); // the second
        assertThat(DestinationFlags.code(b1.state())).isEqualTo("IP");
        assertThat(b1.selectable()).isFalse();
        h.clock.advance(500);
        answer(h, probes(h, 5071).get(2), 200);
        assertThat(DestinationFlags.code(b1.state())).isEqualTo("IP");
        h.clock.advance(1000);
        answer(h, probes(h, 5071).get(3), 200);
        assertThat(DestinationFlags.code(b1.state())).isEqualTo("AP");
        assertThat(b1.latencyMicros()).isPositive();
        var stats = b1.latencyStats().snapshot();
        assertThat(stats.timeouts()).isEqualTo(2);
        assertThat(stats.count()).isEqualTo(2);
        assertThat(stats.estimateMicros()).isEqualTo(b1.latencyMicros());
        assertThat(h.counters.probesFailed.sum()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void onlyTheConfiguredRepliesCountAsAlive() throws Exception {
        ProxyHarness h = harness(" interval: 1s, reply_codes: 'class=2;code=480', threshold: 1 ");
        Destination b1 = dest(h, "1/b1");
        answer(h, probes(h, 5071).get(0), 480);
        assertThat(DestinationFlags.code(b1.state())).isEqualTo("AP");
        h.clock.advance(1000);
        answer(h, probes(h, 5071).get(1), 503);
        assertThat(DestinationFlags.code(b1.state())).isEqualTo("IP");
        // A late or repeated reply to a probe already decided changes nothing.
        answer(h, probes(h, 5071).get(0), 200);
        assertThat(DestinationFlags.code(b1.state())).isEqualTo("IP");
    }

    @Test
    void anIcmpUnreachableFailsTheProbeAtOnce() throws Exception {
        ProxyHarness h = harness(" interval: 1s, timeout: 1s ");
        h.proxy.unreachable(h.listeners.get(0), backend(5071));
        assertThat(DestinationFlags.code(dest(h, "1/b1").state())).isEqualTo("IP");
    }

    @Test
    void inactiveModeProbesOnlyInactiveDestinationsUnderProbingAndClearsTheBitOnRecovery() throws Exception {
        ProxyHarness h = harness(" interval: 1s, mode: inactive ");
        assertThat(h.sent).isEmpty();
        Destination b2 = dest(h, "1/b2");
        b2.markFailed(DestinationFlags.INACTIVE | DestinationFlags.PROBING, 1);
        h.clock.advance(1000);
        assertThat(h.sent).hasSize(1);
        answer(h, probes(h, 5072).get(0), 200);
        assertThat(DestinationFlags.code(b2.state())).isEqualTo("AX");
        h.clock.advance(1000);
        assertThat(h.sent).hasSize(1);
    }

    @Test
    void flaggedAlwaysModeKeepsTheProbingBitAndDisabledDestinationsAreNeverProbed() throws Exception {
        ProxyHarness h = harness(" interval: 1s, mode: 3, sets: [1] ");
        Destination b1 = dest(h, "1/b1");
        Destination b2 = dest(h, "1/b2");
        b1.updateState(DestinationFlags.PROBING, 0);
        b2.updateState(DestinationFlags.PROBING | DestinationFlags.DISABLED, 0);
        dest(h, "2/c1").updateState(DestinationFlags.PROBING, 0); // set 2 is not in the probed sets
        h.clock.advance(1000);
        assertThat(h.sent).hasSize(1);
        answer(h, probes(h, 5071).get(0), 200);
        assertThat(DestinationFlags.code(b1.state())).isEqualTo("AP");
        h.clock.advance(1000);
        assertThat(probes(h, 5071)).hasSize(2);
        assertThat(probes(h, 5072)).isEmpty();
        assertThat(probes(h, 5081)).isEmpty();
    }

    @Test
    void aProbeThatTakesADestinationDownFailsOverTheCallsWaitingOnIt() throws Exception {
        ProxyHarness h = harness(" interval: 10s, timeout: 1s ");
        Sent call = h.receive(ProxyHarness.invite("c1@x", "z9hG4bK-call"));
        assertThat(call.port()).isEqualTo(5071);
        h.clock.advance(1000); // b1's probe times out: inactive
        h.clock.advance(0);
        assertThat(h.sent.stream().filter(s -> s.port() == 5072 && s.firstLine().startsWith("INVITE "))).hasSize(1);
    }

    @Test
    void theGlobalSwitchStopsAndResumesProbingAtRunTime() throws Exception {
        ProxyHarness h = harness(" interval: 1s, timeout: 500ms, active: false ");
        Keepalives k = h.proxy.keepalives();
        assertThat(k.active()).isFalse();
        h.clock.advance(3000);
        assertThat(h.sent).isEmpty();
        k.setActive(true);
        h.clock.advance(1000);
        assertThat(probes(h, 5071)).hasSize(1);
        answer(h, probes(h, 5071).get(0), 200);
        k.setActive(false);
        h.clock.advance(3000);
        assertThat(probes(h, 5071)).hasSize(1);
        // Switched off, the states stay as they were: nothing goes down for want of a probe.
        assertThat(DestinationFlags.code(dest(h, "1/b1").state())).isEqualTo("AP");
    }

    @Test
    void aDestinationBroughtBackByAKeepaliveStartsItsSlowStart() throws Exception {
        ProxyHarness h = new ProxyHarness(LISTEN + """
            dispatcher:
              list_file: dispatcher.list
              slow_start: 60s
              probing: { interval: 1s, timeout: 500ms }
            routes:
              - dispatch: { set: 1, algorithm: 4 }
            """, LIST);
        h.proxy.startKeepalives();
        h.clock.advance(0);
        Destination b1 = dest(h, "1/b1");
        assertThat(b1.share(System.nanoTime())).isEqualTo(1);
        h.clock.advance(500); // no answer: inactive
        assertThat(b1.selectable()).isFalse();
        h.clock.advance(500);
        answer(h, probes(h, 5071).get(1), 200);
        assertThat(b1.selectable()).isTrue();
        assertThat(b1.share(System.nanoTime())).isLessThan(0.5);
        assertThat(h.counters.destinationsUp.sum()).isEqualTo(1);
    }

    @Test
    void eachPartitionIsProbedWithItsOwnSettings() throws Exception {
        ProxyHarness h = new ProxyHarness(LISTEN + """
            dispatcher:
              list_file: dispatcher.list
              probing: { interval: 1s, threshold: 3 }
              partitions:
                carriers:
                  list_file: carriers.list
                  probing: { interval: 1s, method: INFO, from: 'sip:carrier-probe@lb.example', threshold: 1 }
                quiet:
                  list_file: quiet.list
                  probing: { interval: 1s, sets: [9] }
            routes:
              - dispatch: { set: 1, algorithm: 8 }
            """, java.util.Map.of("default", "1 sip:127.0.0.1:5071 0 0 duid=d1\n",
            "carriers", "1 sip:127.0.0.1:6001 0 0 duid=c1\n", "quiet", "1 sip:127.0.0.1:6101 0 0 duid=q1\n"), 1);
        h.proxy.startKeepalives();
        h.clock.advance(0);
        Sent dflt = h.sent.stream().filter(s -> s.port() == 5071).findFirst().orElseThrow();
        Sent carrier = h.sent.stream().filter(s -> s.port() == 6001).findFirst().orElseThrow();
        assertThat(dflt.firstLine()).startsWith("OPTIONS ");
        assertThat(carrier.firstLine()).startsWith("INFO ");
        assertThat(carrier.header("From")).startsWith("<sip:carrier-probe@lb.example>");
        // The third partition probes only its set 9, which it does not have.
        assertThat(h.sent).noneMatch(s -> s.port() == 6101);
        answer(h, dflt, 500);
        answer(h, carrier, 500);
        Destination d1 = h.snapshot.table().destinations().get(0);
        Destination c1 = h.snapshot.table("carriers").destinations().get(0);
        assertThat(c1.view().toString()).as("threshold 1").startsWith("I");
        assertThat(d1.view().toString()).as("threshold 3").startsWith("T");
    }
}
