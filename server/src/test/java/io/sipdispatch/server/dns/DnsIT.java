package io.sipdispatch.server.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sipdispatch.server.config.Transport;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 3263 resolution against a real DNS server: a private dnsmasq on a free loopback port, with SRV, NAPTR
 * and address records written by the test (addresses in a hosts folder it watches, TTL 1 s). It is stopped
 * by the last test, to see an outage.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DnsIT {
    @TempDir
    static Path dir;

    static Dnsmasq dnsmasq;
    static SipResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        dnsmasq = Dnsmasq.start(dir, "127.0.0.11 gw1.carrier.test\n127.0.0.12 gw2.carrier.test\n"
                + "127.0.0.13 gw3.carrier.test\n127.0.0.21 moving.test\n",
            "--srv-host=_sip._udp.carrier.test,gw1.carrier.test,5071,10,60",
            "--srv-host=_sip._udp.carrier.test,gw2.carrier.test,5072,10,40",
            "--srv-host=_sip._udp.carrier.test,gw3.carrier.test,5073,20,0",
            "--srv-host=_sip._tcp.naptr.test,gw2.carrier.test,5082,0,0",
            "--naptr-record=naptr.test,20,50,s,SIP+D2U,,_sip._udp.carrier.test",
            "--naptr-record=naptr.test,10,50,s,SIP+D2T,,_sip._tcp.naptr.test");
        resolver = dnsmasq.resolver();
    }

    @AfterAll
    static void stop() throws Exception {
        if (dnsmasq != null) {
            dnsmasq.close();
        }
    }

    @Test
    @Order(1)
    void everySrvTargetIsKeptWithItsPriorityWeightAndPort() throws Exception {
        SipResolver.Answer a = resolver.resolve("carrier.test", Transport.UDP, 0, false);
        assertThat(a.targets()).extracting(t -> t.address().getAddress().getHostAddress() + ":" + t.address().getPort()
                + " p" + t.priority() + " w" + t.weight() + " " + t.transport())
            .containsExactlyInAnyOrder("127.0.0.11:5071 p10 w60 UDP", "127.0.0.12:5072 p10 w40 UDP",
                "127.0.0.13:5073 p20 w0 UDP");
        assertThat(a.targets().get(2).priority()).as("best priority first").isEqualTo(20);
        assertThat(a.ttlSeconds()).isLessThanOrEqualTo(600);
    }

    @Test
    @Order(2)
    void naptrChoosesTheBestServiceAndItsSrvAndAPortGivenSkipsSrv() throws Exception {
        assertThat(resolver.resolve("naptr.test", null, 0, false).targets())
            .extracting(t -> t.transport() + " " + t.address().getAddress().getHostAddress() + ":" + t.address().getPort())
            .containsExactly("TCP 127.0.0.12:5082");
        assertThat(resolver.resolve("gw3.carrier.test", null, 5099, false).targets())
            .extracting(t -> t.transport() + " " + t.address().getPort()).containsExactly("UDP 5099");
        // No NAPTR, no SRV: the address on the default port.
        assertThat(resolver.resolve("moving.test", null, 0, false).targets())
            .extracting(t -> t.address().getPort()).containsExactly(5060);
        assertThatThrownBy(() -> resolver.resolve("nowhere.test", null, 0, false))
            .isInstanceOf(SipResolver.DnsException.class).hasMessageContaining("nowhere.test: no address");
    }

    @Test
    @Order(3)
    void withTheNoDnsFlagTheLoadDoesNotWaitAndTheNameGetsItsAddressWhenItResolves() throws Exception {
        try (DnsCache cache = new DnsCache(resolver, Duration.ofSeconds(1), Duration.ofMinutes(5),
            Duration.ofHours(1), Clock.systemUTC())) {
            var table = io.sipdispatch.dispatcher.DispatchTable.build(List.of(
                new io.sipdispatch.dispatcher.DestinationRecord(1, "sip:later.test:5099", 16, 0,
                    io.sipdispatch.dispatcher.Attributes.parse("duid=later"), "")), null);
            var d = table.destinations().get(0);
            java.util.concurrent.atomic.AtomicReference<io.sipdispatch.server.proxy.DispatchSnapshot> snap =
                new java.util.concurrent.atomic.AtomicReference<>();
            cache.onChange(() -> snap.set(snap.get().withCurrentDns()));
            snap.set(new io.sipdispatch.server.proxy.DispatchSnapshot(java.util.Map.of("default", table),
                java.util.Map.of(), cache));
            assertThat(snap.get().dnsEntry(d).targets()).as("not resolved at load").isEmpty();
            dnsmasq.hosts("127.0.0.21 moving.test\n127.0.0.31 later.test\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> snap.get().isInList("default",
                InetAddress.getByName("127.0.0.31"), 5099, 1, false));
        }
    }

    @Test
    @Order(4)
    void aChangedRecordIsPickedUpAfterItsTtlAndAnOutageKeepsTheLastGoodAnswer() throws Exception {
        DnsCache.Key key = new DnsCache.Key("moving.test", Transport.UDP, 5060, false);
        try (DnsCache cache = new DnsCache(resolver, Duration.ofSeconds(1), Duration.ofMinutes(5),
            Duration.ofHours(1), Clock.systemUTC())) {
            assertThat(address(cache.watch(key))).containsExactly("127.0.0.21");
            dnsmasq.hosts("127.0.0.22 moving.test\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> address(cache.get(key)).equals(List.of("127.0.0.22")));
            assertThat(cache.get(key).failing()).isFalse();

            dnsmasq.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.get(key).failing());
            DnsCache.Entry e = cache.get(key);
            assertThat(address(e)).as("the last good answer serves on").containsExactly("127.0.0.22");
            assertThat(e.error()).contains("moving.test").contains("no answer from DNS");
            assertThat(e.failingSince()).isNotNull();
        }
    }

    static List<String> address(DnsCache.Entry e) {
        return e.targets().stream().map(t -> t.address().getAddress().getHostAddress()).toList();
    }
}
