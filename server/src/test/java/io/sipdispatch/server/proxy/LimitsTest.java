package io.sipdispatch.server.proxy;

import static io.sipdispatch.server.proxy.ProxyHarness.LISTEN;
import static io.sipdispatch.server.proxy.ProxyHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.server.proxy.ProxyCounters.Drop;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Limits against abuse: a per-source request rate (Kamailio's pike) and the scanner User-Agent deny list. */
class LimitsTest {
    static ProxyHarness harness(String limits) throws Exception {
        return new ProxyHarness(LISTEN + limits + """
            dispatcher: { list_file: x.list }
            routes:
              - reply: { code: 480, reason: Nobody Here }
            """, "1 sip:127.0.0.1:5071 0 0\n");
    }

    static String options(int n, String extra) {
        return request("OPTIONS", "sip:x@127.0.0.1:5060", "c" + n + "@x", "z9hG4bK-" + n, 1, "", extra);
    }

    @Test
    void aSourceOverItsRateIsDroppedAndOthersAndDestinationsAreNot() throws Exception {
        ProxyHarness h = harness("limits: { per_source: { requests: 5, window: 10s, block_for: 60s } }\n");
        InetSocketAddress flooder = new InetSocketAddress("10.0.0.9", 5060);
        int answered = 0;
        for (int i = 0; i < 8; i++) {
            if (h.receive(0, flooder, options(i, "")) != null) {
                answered++;
            }
        }
        assertThat(answered).isEqualTo(5);
        assertThat(h.counters.droppedCount(Drop.RATE_LIMITED)).isEqualTo(3);
        assertThat(h.receive(0, new InetSocketAddress("10.0.0.10", 5060), options(100, ""))).as("another source")
            .isNotNull();
        InetSocketAddress destination = new InetSocketAddress("127.0.0.1", 5071);
        for (int i = 0; i < 10; i++) {
            assertThat(h.receive(0, destination, options(200 + i, ""))).as("a destination is no caller").isNotNull();
        }
        // Blocked for block_for, even once its window is over: still dropped.
        assertThat(h.receive(0, flooder, options(300, ""))).isNull();
    }

    @Test
    void aScannersUserAgentIsDroppedUnansweredUnlessTheListIsEmptied() throws Exception {
        ProxyHarness h = harness("");
        assertThat(h.receive(options(1, "User-Agent: friendly-scanner\n"))).isNull();
        assertThat(h.receive(options(2, "User-Agent: SIPVicious 0.3\n"))).isNull();
        assertThat(h.counters.droppedCount(Drop.SCANNER)).isEqualTo(2);
        assertThat(h.receive(options(3, "User-Agent: Linphone/5.2\n")).firstLine()).isEqualTo("SIP/2.0 480 Nobody Here");
        ProxyHarness open = harness("limits: { deny_user_agents: [] }\n");
        assertThat(open.receive(options(4, "User-Agent: friendly-scanner\n"))).isNotNull();
    }
}
