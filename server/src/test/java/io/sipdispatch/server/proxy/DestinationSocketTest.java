package io.sipdispatch.server.proxy;

import static io.sipdispatch.server.proxy.ProxyHarness.LISTEN;
import static io.sipdispatch.server.proxy.ProxyHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.server.proxy.ProxyHarness.Sent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A destination's {@code socket} or {@code sockname} attribute (Kamailio's, and OpenSIPS's {@code socket}
 * column) chooses the local socket its requests and keepalives leave from.
 */
class DestinationSocketTest {
    static final String LIST = """
        1 sip:127.0.0.1:5071 0 0 sockname=alt
        2 sip:127.0.0.1:5072 0 0 socket=udp:127.0.0.1:5062
        3 sip:127.0.0.1:5073 0 0
        """;

    static ProxyHarness harness(String extra) throws Exception {
        return new ProxyHarness(LISTEN + """
              - udp:127.0.0.1:5062 name alt
            dispatcher:
              list_file: x.list
            """ + extra + """
            routes:
              - match: { ruri_user: '^one' }
                dispatch: { set: 1 }
              - match: { ruri_user: '^two' }
                dispatch: { set: 2 }
              - dispatch: { set: 3 }
            """, Map.of("default", LIST), 1);
    }

    static Sent call(ProxyHarness h, String user) {
        return h.receive(request("INVITE", "sip:" + user + "@127.0.0.1:5060", "c-" + user, "z9hG4bK-" + user, 1, "", ""));
    }

    @Test
    void aSocknameOrASocketAttributeChoosesTheSocketRequestsLeaveFromAndTheViaNamesIt() throws Exception {
        ProxyHarness h = harness("");
        for (String user : List.of("one", "two")) {
            Sent s = call(h, user);
            assertThat(s.via().bound().getPort()).as(user).isEqualTo(5062);
            assertThat(s.headers("Via").get(0)).as(user).startsWith("SIP/2.0/UDP 127.0.0.1:5062;");
        }
        Sent plain = call(h, "three");
        assertThat(plain.via().bound().getPort()).as("no attribute: the receiving socket").isEqualTo(5060);
    }

    @Test
    void keepalivesLeaveFromTheDestinationsSocketToo() throws Exception {
        ProxyHarness h = harness("  probing: { interval: 1s, mode: all }\n");
        h.proxy.startKeepalives();
        h.clock.advance(1000);
        assertThat(h.sent).filteredOn(s -> s.firstLine().startsWith("OPTIONS ") && s.port() == 5071)
            .isNotEmpty().allSatisfy(s -> assertThat(s.via().bound().getPort()).isEqualTo(5062));
        assertThat(h.sent).filteredOn(s -> s.firstLine().startsWith("OPTIONS ") && s.port() == 5073)
            .isNotEmpty().allSatisfy(s -> assertThat(s.via().bound().getPort()).isEqualTo(5060));
    }
}
