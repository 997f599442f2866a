package io.sipdispatch.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.server.config.ListenAddress;
import io.sipdispatch.server.proxy.Myself;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each socket writes into Via and Record-Route, and what counts as this server. */
class ListenerTest {
    @Test
    void aBoundAddressIsWrittenAsItIs() throws Exception {
        Listener l = new Listener(ListenAddress.parse("udp:127.0.0.1:5060"), 0);
        assertThat(l.hostPort(InetAddress.getByName("127.0.0.5"))).isEqualTo("127.0.0.1:5060");
        Listener v6 = new Listener(ListenAddress.parse("tcp:[::1]:5062"), 1);
        assertThat(v6.hostPort(InetAddress.getByName("::1"))).isEqualTo("[::1]:5062");
    }

    @Test
    void aWildcardWritesTheLocalAddressTowardsEachPeer() throws Exception {
        Listener l = new Listener(ListenAddress.parse("udp:0.0.0.0:5060"), 0);
        assertThat(l.hostPort(InetAddress.getByName("127.0.0.1"))).isEqualTo("127.0.0.1:5060");
        Listener v6 = new Listener(ListenAddress.parse("udp:[::]:5060"), 0);
        assertThat(v6.hostPort(InetAddress.getByName("::1"))).isEqualTo("[::1]:5060");
    }

    @Test
    void anAdvertisedAddressReplacesTheBoundOne() throws Exception {
        Listener l = new Listener(ListenAddress.parse("udp:127.0.0.1:5060 advertise 203.0.113.9:5080"), 0);
        assertThat(l.hostPort(InetAddress.getByName("127.0.0.1"))).isEqualTo("203.0.113.9:5080");
        Listener noPort = new Listener(ListenAddress.parse("udp:127.0.0.1:5060 advertise sip.example.net"), 0);
        assertThat(noPort.hostPort(InetAddress.getByName("127.0.0.1"))).isEqualTo("sip.example.net:5060");
    }

    @Test
    void myselfKnowsListenersAdvertisedAddressesAndAliases() {
        List<Listener> ls = List.of(
            new Listener(ListenAddress.parse("udp:127.0.0.1:5060 advertise 203.0.113.9:5080"), 0),
            new Listener(ListenAddress.parse("tcp:[::1]:5070"), 1));
        Myself me = new Myself(ls, List.of("sip.example.com", "lb.example.net:5099"));
        assertThat(me.matches("127.0.0.1", 5060, false)).isTrue();
        assertThat(me.matches("127.0.0.1", -1, false)).isTrue(); // default port 5060
        assertThat(me.matches("127.0.0.1", 5061, false)).isFalse();
        assertThat(me.matches("203.0.113.9", 5080, false)).isTrue();
        assertThat(me.matches("[0:0:0:0:0:0:0:1]", 5070, false)).isTrue();
        assertThat(me.matches("SIP.example.COM", 5070, false)).isTrue(); // alias without port: every port we use
        assertThat(me.matches("sip.example.com", 5999, false)).isFalse();
        assertThat(me.matches("lb.example.net", 5099, false)).isTrue();
        assertThat(me.matches("lb.example.net", 5060, false)).isFalse();
        assertThat(me.matches("10.0.0.1", 5060, false)).isFalse();
    }
}
