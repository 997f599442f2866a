package io.sipdispatch.server.proxy;

import static io.sipdispatch.server.proxy.ProxyHarness.LISTEN;
import static io.sipdispatch.server.proxy.ProxyHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.server.config.ConfigLoader;
import io.sipdispatch.server.proxy.ProxyHarness.Sent;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * OpenSIPS's partitions, blacklists ({@code ds_define_blacklist}, {@code use_blacklist}) and
 * {@code ds_is_in_list}: a route names the partition its sets are in, a route that uses a blacklist never
 * forwards to an IP on it, and {@code in_list} asks whether the source or the Request-URI is a destination.
 */
class PartitionsTest {
    static final String DEFAULT_LIST = """
        1 sip:127.0.0.2:5060 0 10
        1 sip:127.0.0.3:5060 0 5
        2 sip:127.0.0.2:5999 0 0
        """;
    static final String CARRIERS_LIST = """
        1 sip:127.0.0.1:6001 0 0 duid=c1
        2 sip:127.0.0.1:6002 0 0 duid=c2
        """;

    static ProxyHarness harness() throws Exception {
        return new ProxyHarness(LISTEN + """
            dispatcher:
              list_file: default.list
              blacklists: { gateways: [2] }
              partitions:
                carriers:
                  list_file: carriers.list
                  blacklists: { carrier-ips: [1, 2] }
            routes:
              - name: from-carrier
                match: { in_list: { partition: carriers, set: 1 } }
                reply: { code: 486, reason: From Carrier }
              - name: to-carrier-any-port
                match: { method: MESSAGE, in_list: { address: ruri, partition: carriers, any_port: true, active_only: true } }
                reply: { code: 488, reason: To Carrier }
              - name: carriers
                match: { ruri_user: '^carrier' }
                dispatch: { partition: carriers, set: 1 }
              - name: guarded
                match: { ruri_user: '^guarded' }
                dispatch: { set: 1, algorithm: 8, flags: f }
                blacklists: [gateways]
              - name: relay-guarded
                match: { ruri_user: '^relay' }
                relay: request-uri
                blacklists: [gateways, carrier-ips]
              - name: plain
                dispatch: { set: 1, algorithm: 8 }
            """, Map.of("default", DEFAULT_LIST, "carriers", CARRIERS_LIST), 1);
    }

    static String req(String method, String ruri) {
        return request(method, ruri, "c-" + method + ruri.hashCode(), "z9hG4bK-" + method + ruri.hashCode(), 1, "", "");
    }

    @Test
    void aRouteDispatchesToTheSetOfThePartitionItNames() throws Exception {
        ProxyHarness h = harness();
        assertThat(h.receive(req("INVITE", "sip:carrier@127.0.0.1:5060")).to())
            .isEqualTo(new InetSocketAddress("127.0.0.1", 6001));
        assertThat(h.receive(req("INVITE", "sip:bob@127.0.0.1:5060")).to())
            .isEqualTo(new InetSocketAddress("127.0.0.2", 5060));
        assertThat(h.snapshot.table("carriers").set(1).destinations()).extracting(Destination::uri)
            .containsExactly("sip:127.0.0.1:6001");
        assertThat(h.snapshot.table().set(1).destinations()).hasSize(2);
    }

    @Test
    void aRouteUsingABlacklistNeverForwardsToAnAddressOnItAtAnyPort() throws Exception {
        ProxyHarness h = harness();
        // 127.0.0.2 is on 'gateways' (set 2 is 127.0.0.2:5999): the guarded route passes over 127.0.0.2:5060
        // to the next destination of its failover list.
        assertThat(h.receive(req("INVITE", "sip:guarded@127.0.0.1:5060")).to())
            .isEqualTo(new InetSocketAddress("127.0.0.3", 5060));
        assertThat(h.receive(req("INVITE", "sip:plain@127.0.0.1:5060")).to())
            .isEqualTo(new InetSocketAddress("127.0.0.2", 5060));
    }

    @Test
    void aRelayToABlacklistedAddressIsRefused() throws Exception {
        ProxyHarness h = harness();
        Sent refused = h.receive(req("INVITE", "sip:relay@127.0.0.2:7000"));
        assertThat(refused.firstLine()).isEqualTo("SIP/2.0 403 Destination blacklisted");
        assertThat(refused.to()).isEqualTo(ProxyHarness.UAC);
        assertThat(h.counters.blacklisted.sum()).isEqualTo(1);
        // A list of another partition, by its own name.
        assertThat(h.receive(req("INVITE", "sip:relay@127.0.0.1:6002")).firstLine()).contains("403");
        assertThat(h.receive(req("INVITE", "sip:relay@127.0.0.9:7000")).to())
            .isEqualTo(new InetSocketAddress("127.0.0.9", 7000));
    }

    @Test
    void inListMatchesTheSourceAddressAndPortInASetOfThePartition() throws Exception {
        ProxyHarness h = harness();
        assertThat(h.receive(0, new InetSocketAddress("127.0.0.1", 6001), req("OPTIONS", "sip:x@127.0.0.1:5060"))
            .firstLine()).isEqualTo("SIP/2.0 486 From Carrier");
        // The right IP at another port, or in another set, is not in set 1.
        assertThat(h.receive(0, new InetSocketAddress("127.0.0.1", 6009), req("OPTIONS", "sip:y@127.0.0.1:5060"))
            .firstLine()).doesNotContain("486");
        assertThat(h.receive(0, new InetSocketAddress("127.0.0.1", 6002), req("OPTIONS", "sip:z@127.0.0.1:5060"))
            .firstLine()).doesNotContain("486");
    }

    @Test
    void inListOnTheRequestUriWithAnyPortAndActiveOnlyLeavesOutAnInactiveDestination() throws Exception {
        ProxyHarness h = harness();
        assertThat(h.receive(req("MESSAGE", "sip:bob@127.0.0.1:7777")).firstLine())
            .isEqualTo("SIP/2.0 488 To Carrier");
        for (Destination d : h.snapshot.table("carriers").destinations()) {
            d.updateState(DestinationFlags.INACTIVE, 0);
        }
        assertThat(h.receive(req("MESSAGE", "sip:carol@127.0.0.1:7777")).firstLine()).doesNotContain("488");
    }

    @Test
    void anUnknownPartitionOrBlacklistIsRefusedWithTheRouteAndWhatIsKnown() throws Exception {
        var partition = ConfigLoader.parse("t.yaml", LISTEN + """
            dispatcher: { list_file: x.list }
            routes:
              - dispatch: { set: 1, partition: nowhere }
            """);
        assertThatThrownBy(() -> Router.compile(partition.routes(), partition.dispatcher(), partition.mode()))
            .hasMessageContaining("routes[0]").hasMessageContaining("no partition 'nowhere'")
            .hasMessageContaining("known: default");
        var list = ConfigLoader.parse("t.yaml", LISTEN + """
            dispatcher: { list_file: x.list, blacklists: { gw: [1] } }
            routes:
              - dispatch: { set: 1 }
                blacklists: [gws]
            """);
        assertThatThrownBy(() -> Router.compile(list.routes(), list.dispatcher(), list.mode()))
            .hasMessageContaining("no blacklist 'gws'").hasMessageContaining("defined: gw");
    }

    @Test
    void aBlacklistNameIsUniqueOverAllPartitions() {
        assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", LISTEN + """
            dispatcher:
              list_file: x.list
              blacklists: { gw: [1] }
              partitions:
                other: { list_file: y.list, blacklists: { gw: [2] } }
            routes:
              - dispatch: { set: 1 }
            """)).hasMessageContaining("blacklist 'gw' is defined twice");
    }

    @Test
    void aDestinationAnOlderTableStillHoldsIsFoundInItsPartitionAndARemovedOneInNone() throws Exception {
        ProxyHarness h = harness();
        Destination c1 = h.snapshot.table("carriers").destinations().stream()
            .filter(d -> "c1".equals(d.record().attrs().duid())).findFirst().orElseThrow();
        Destination c2 = h.snapshot.table("carriers").destinations().stream()
            .filter(d -> "c2".equals(d.record().attrs().duid())).findFirst().orElseThrow();
        // A reload edits c1's row (a new object sharing its state) and removes c2.
        var edited = io.sipdispatch.dispatcher.DispatchTable.build(io.sipdispatch.server.source.ListFile.parse("c.list",
            new java.io.StringReader("1 sip:127.0.0.1:6001 0 7 duid=c1\n")), h.snapshot.table("carriers"));
        DispatchSnapshot next = h.snapshot.with("carriers", edited);
        assertThat(next.table("carriers").destinations().get(0)).isNotSameAs(c1);
        assertThat(next.partitionOf(c1)).isEqualTo("carriers");
        assertThat(next.partitionOf(c2)).isNull();
    }
}
