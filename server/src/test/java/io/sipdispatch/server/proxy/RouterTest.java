package io.sipdispatch.server.proxy;

import static io.sipdispatch.server.proxy.ProxyHarness.LISTEN;
import static io.sipdispatch.server.proxy.ProxyHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipdispatch.server.config.ConfigLoader;
import io.sipdispatch.server.proxy.ProxyHarness.Sent;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Routing rules: first match wins, every condition must hold, and nothing is relayed that no rule names. */
class RouterTest {
    static final String LIST = """
        1 sip:127.0.0.1:5071 0 0
        2 sip:127.0.0.1:5072 0 0
        3 sip:127.0.0.1:5073 0 0
        4 sip:127.0.0.1:5074 0 0
        5 sip:127.0.0.1:5075 0 0
        6 sip:127.0.0.1:5076 0 0
        """;

    static ProxyHarness harness() throws Exception {
        return new ProxyHarness(LISTEN + """
            dispatcher: { list_file: x.list }
            routes:
              - name: from-gateways
                match: { source_in_set: 6 }
                dispatch: { set: 5 }
              - name: options
                match: { method: OPTIONS }
                dispatch: { set: 1 }
              - name: media
                match: { method: [INVITE], ruri_user: '^media' }
                dispatch: { set: 2 }
              - name: tenant
                match: { headers: { X-Tenant: '^gold$' } }
                dispatch: { set: 3 }
              - name: office
                match: { source: [192.0.2.0/24, 10.0.0.0/8] }
                dispatch: { set: 4 }
              - name: deny
                match: { method: 'REGISTER|SUBSCRIBE' }
                reply: { code: 405, reason: Not Here }
            """, LIST);
    }

    static String req(String method, String user, String extra) {
        return request(method, "sip:" + user + "@127.0.0.1:5060", "c-" + method + user + extra.hashCode(),
            "z9hG4bK-" + user + method + extra.hashCode(), 1, "", extra);
    }

    @Test
    void theFirstMatchingRuleDecides() throws Exception {
        ProxyHarness h = harness();
        assertThat(h.receive(req("OPTIONS", "media1", "")).port()).isEqualTo(5071);
        assertThat(h.receive(req("INVITE", "media1", "")).port()).isEqualTo(5072);
    }

    @Test
    void everyConditionOfARuleMustHold() throws Exception {
        ProxyHarness h = harness();
        // ruri_user matches but the method does not: on to the next rules, none of which matches.
        Sent r = h.receive(req("MESSAGE", "media1", ""));
        assertThat(r.firstLine()).isEqualTo("SIP/2.0 403 Forbidden");
        assertThat(r.to()).isEqualTo(ProxyHarness.UAC);
    }

    @Test
    void aHeaderRegexMatchesAnyValueOfThatHeader() throws Exception {
        ProxyHarness h = harness();
        assertThat(h.receive(req("INVITE", "bob", "X-Tenant: gold\n")).port()).isEqualTo(5073);
        assertThat(h.receive(req("INVITE", "bob", "X-Tenant: golden\n")).firstLine()).contains("403");
    }

    @Test
    void aSourceNetworkMatchesItsAddressesOnly() throws Exception {
        ProxyHarness h = harness();
        assertThat(h.receive(0, new InetSocketAddress("10.20.30.40", 5060), req("INVITE", "bob", "")).port()).isEqualTo(5074);
        assertThat(h.receive(0, new InetSocketAddress("192.0.3.1", 5060), req("INVITE", "carol", "")).firstLine()).contains("403");
    }

    @Test
    void sourceInSetMatchesRequestsFromADestinationOfThatSet() throws Exception {
        ProxyHarness h = harness();
        assertThat(h.receive(0, new InetSocketAddress("127.0.0.1", 5076), req("INVITE", "bob", "")).port()).isEqualTo(5075);
    }

    @Test
    void aMethodListWrittenWithBarsMatchesEachMethod() throws Exception {
        ProxyHarness h = harness();
        assertThat(h.receive(req("REGISTER", "bob", "")).firstLine()).isEqualTo("SIP/2.0 405 Not Here");
        assertThat(h.receive(req("SUBSCRIBE", "bob", "")).firstLine()).isEqualTo("SIP/2.0 405 Not Here");
    }

    @Test
    void resourcesAreRefusedStatelesslyAndWithoutTheResourcesACallTakes() throws Exception {
        var stateless = ConfigLoader.parse("t.yaml", LISTEN + """
            dispatcher: { list_file: x.list }
            routes:
              - dispatch: { set: 1, algorithm: resources, key: pstn }
                mode: stateless
            """);
        assertThatThrownBy(() -> Router.compile(stateless.routes(), stateless.dispatcher(), stateless.mode()))
            .hasMessageContaining("routes[0]").hasMessageContaining("stateful");
        var noKey = ConfigLoader.parse("t.yaml", LISTEN + """
            dispatcher: { list_file: x.list }
            routes:
              - dispatch: { set: 1, algorithm: resources }
            """);
        assertThatThrownBy(() -> Router.compile(noKey.routes(), noKey.dispatcher(), noKey.mode()))
            .hasMessageContaining("routes[0]").hasMessageContaining("key: pstn;transc");
    }

    @Test
    void aParallelAlgorithmIsRefusedStatelessly() throws Exception {
        var cfg = ConfigLoader.parse("t.yaml", LISTEN + """
            dispatcher: { list_file: x.list }
            routes:
              - dispatch: { set: 1, algorithm: 12 }
                mode: stateless
            """);
        assertThatThrownBy(() -> Router.compile(cfg.routes(), cfg.dispatcher(), cfg.mode()))
            .hasMessageContaining("routes[0]").hasMessageContaining("stateful");
    }

    @Test
    void aParallelAlgorithmIsAcceptedStatefully() throws Exception {
        var cfg = ConfigLoader.parse("t.yaml", LISTEN + """
            dispatcher: { list_file: x.list }
            routes:
              - dispatch: { set: 1, algorithm: 12 }
            """);
        assertThat(Router.compile(cfg.routes(), cfg.dispatcher(), cfg.mode()).anyStateful()).isTrue();
    }

    @Test
    void failoverIsRefusedOnAStatelessRoute() throws Exception {
        var cfg = ConfigLoader.parse("t.yaml", LISTEN + """
            mode: stateless
            dispatcher: { list_file: x.list }
            routes:
              - dispatch: { set: 1, algorithm: 4, failover: { on: [timeout] } }
            """);
        assertThatThrownBy(() -> Router.compile(cfg.routes(), cfg.dispatcher(), cfg.mode()))
            .hasMessageContaining("routes[0]").hasMessageContaining("failover");
    }

    @Test
    void failoverCodesAndClassesNeverCoverBusyCancelledOrDeclinedUnlessNamed() {
        Failover f = Failover.of(new io.sipdispatch.server.config.FailoverSpec(null, null,
            java.util.List.of("4xx", "5xx", "6xx"), null, null));
        assertThat(f.failsOver(500)).isTrue();
        assertThat(f.failsOver(404)).isTrue();
        assertThat(f.failsOver(486)).isFalse();
        assertThat(f.failsOver(487)).isFalse();
        assertThat(f.failsOver(603)).isFalse();
        assertThat(f.failsOver(302)).isFalse();
        Failover named = Failover.of(new io.sipdispatch.server.config.FailoverSpec(null, null,
            java.util.List.of("486", "503"), null, null));
        assertThat(named.failsOver(486)).isTrue();
        assertThat(named.failsOver(500)).isFalse();
        assertThat(named.onTimeout()).isFalse();
    }

    @Test
    void anUnknownAlgorithmNameIsRefusedWithItsRoute() throws Exception {
        var cfg = ConfigLoader.parse("t.yaml", LISTEN + """
            dispatcher: { list_file: x.list }
            routes:
              - name: main
                dispatch: { set: 1, algorithm: fastest }
            """);
        assertThatThrownBy(() -> Router.compile(cfg.routes(), cfg.dispatcher(), cfg.mode()))
            .hasMessageContaining("routes[0] (main)").hasMessageContaining("fastest");
    }
}
