package io.sipdispatch.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipdispatch.sip.ComplianceMode;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    static final String MIN = """
        listen:
          - udp:127.0.0.1:5060
          - tcp:[::1]:5070 advertise sip.example.net:5080
        dispatcher:
          list_file: dispatcher.list
        routes:
          - dispatch: { set: 1 }
        """;

    @Test
    void aMinimalConfigurationGetsTheDocumentedDefaults() throws Exception {
        SipdispatchConfig c = ConfigLoader.parse("a.yaml", MIN);
        assertThat(c.listen()).hasSize(2);
        assertThat(c.listen().get(0).transport()).isEqualTo(Transport.UDP);
        assertThat(c.listen().get(0).address()).isEqualTo(new InetSocketAddress("127.0.0.1", 5060));
        assertThat(c.listen().get(1).address()).isEqualTo(new InetSocketAddress("::1", 5070));
        assertThat(c.listen().get(1).advertisedHost()).isEqualTo("sip.example.net");
        assertThat(c.listen().get(1).advertisedPort()).isEqualTo(5080);
        assertThat(c.compliance()).isEqualTo(ComplianceMode.STRICT);
        assertThat(c.recordRoute()).isTrue();
        assertThat(c.path()).isFalse();
        assertThat(c.tcp().idleTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.tcp().maxConnections()).isEqualTo(4096);
        assertThat(c.dispatcher().hash()).isEqualTo("rendezvous");
        assertThat(c.dispatcher().affinityTtl()).isEqualTo(Duration.ofSeconds(32));
        assertThat(c.routes().get(0).dispatch().steps().get(0).algorithm()).isEqualTo("round-robin");
        assertThat(c.routes().get(0).whenNoneLeft().code()).isEqualTo(503);
    }

    @Test
    void durationsCarryUnits() throws Exception {
        SipdispatchConfig c = ConfigLoader.parse("a.yaml", MIN + "tcp: { idle_timeout: 500ms, connect_timeout: 3s }\n");
        assertThat(c.tcp().idleTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", MIN + "tcp:\n  idle_timeout: 5\n"))
            .hasMessageContaining("a.yaml:9").hasMessageContaining("tcp.idle_timeout").hasMessageContaining("unit");
    }

    @Test
    void anUnknownKeyIsRefusedWithFileLineAndKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", MIN + "recordroute: true\n"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("a.yaml:8").hasMessageContaining("unknown key 'recordroute'")
            .hasMessageContaining("record_route");
    }

    @Test
    void aBadListenAddressIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", MIN.replace("udp:127.0.0.1:5060", "sctp:127.0.0.1:5060")))
            .hasMessageContaining("a.yaml:2").hasMessageContaining("unknown transport 'sctp'");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", MIN.replace("udp:127.0.0.1:5060", "udp:::1:5060")))
            .hasMessageContaining("brackets");
    }

    @Test
    void aRouteNeedsExactlyOneAction() {
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", MIN.replace("- dispatch: { set: 1 }",
            "- { dispatch: { set: 1 }, reply: { code: 404 } }")))
            .hasMessageContaining("exactly one of");
    }

    @Test
    void aBadRegexAFlagOrANetworkIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", MIN.replace("- dispatch: { set: 1 }",
            "- { match: { ruri_user: '^(media' }, dispatch: { set: 1 } }"))).hasMessageContaining("ruri_user");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", MIN.replace("- dispatch: { set: 1 }",
            "- { dispatch: { set: 1, flags: fx } }"))).hasMessageContaining("unknown dispatch flag 'x'");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", MIN.replace("- dispatch: { set: 1 }",
            "- { match: { source: 10.0.0.0/40 }, dispatch: { set: 1 } }"))).hasMessageContaining("prefix");
    }

    @Test
    void statefulIsTheDefaultModeAndARouteMayChooseStateless() throws Exception {
        SipdispatchConfig c = ConfigLoader.parse("a.yaml", MIN);
        assertThat(c.mode()).isEqualTo(SipdispatchConfig.ProxyMode.STATEFUL);
        assertThat(c.transactions().max()).isEqualTo(200_000);
        assertThat(c.transactions().waitTimer()).isEqualTo(java.time.Duration.ofSeconds(5));
        SipdispatchConfig s = ConfigLoader.parse("a.yaml", MIN.replace("- dispatch: { set: 1 }",
            "- { dispatch: { set: 1 }, mode: stateless }"));
        assertThat(s.routes().get(0).mode()).isEqualTo(SipdispatchConfig.ProxyMode.STATELESS);
    }

    @Test
    void probingAndTheLatencyEstimatorReadLikeKamailiosParameters() throws Exception {
        SipdispatchConfig c = ConfigLoader.parse("a.yaml", MIN.replace("  list_file: dispatcher.list\n",
            "  list_file: dispatcher.list\n  latency_estimator_alpha: 900\n"
                + "  probing: { interval: 20s, reply_codes: 'class=2;code=480;code=404', mode: 1, threshold: 3 }\n"));
        assertThat(c.dispatcher().latencyEstimatorAlpha()).isEqualTo(0.9);
        ProbingSettings p = c.dispatcher().probing();
        assertThat(p.modeNumber()).isEqualTo(1);
        assertThat(p.threshold()).isEqualTo(3);
        assertThat(ProbingSettings.acceptedCodes(p.replyCodes())).containsExactly(2, 480, 404);
        assertThat(p.enabled()).isTrue();
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", MIN.replace("  list_file: dispatcher.list\n",
            "  list_file: dispatcher.list\n  probing: { reply_codes: 'klass=2' }\n"))).hasMessageContaining("klass=2");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", MIN.replace("  list_file: dispatcher.list\n",
            "  list_file: dispatcher.list\n  probing: { mode: 7 }\n"))).hasMessageContaining("probing.mode");
    }

    @Test
    void failoverReadsLikeTheSeedsFailureRoute() throws Exception {
        SipdispatchConfig c = ConfigLoader.parse("a.yaml", MIN.replace("- dispatch: { set: 1 }",
            "- dispatch:\n      set: 1\n      algorithm: round-robin\n      failover: { no_reply_timeout: 2s,"
                + " on: [timeout, 500, 5xx], mark: inactive+probing, max_attempts: 3 }"));
        FailoverSpec f = c.routes().get(0).dispatch().failover();
        assertThat(f.noReplyTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(f.ringingTimeout()).isEqualTo(java.time.Duration.ofSeconds(120));
        assertThat(f.on()).containsExactly("timeout", "500", "5xx");
        assertThat(f.maxAttempts()).isEqualTo(3);
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", MIN.replace("- dispatch: { set: 1 }",
            "- { dispatch: { set: 1, failover: { on: [busy] } } }"))).hasMessageContaining("busy");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", MIN.replace("- dispatch: { set: 1 }",
            "- { dispatch: { set: 1, failover: { mark: dead } } }"))).hasMessageContaining("mark");
    }

    @Test
    void cidrMatchesItsNetworkOnly() throws Exception {
        Cidr c = Cidr.parse("10.1.0.0/16");
        assertThat(c.contains(java.net.InetAddress.getByName("10.1.200.3"))).isTrue();
        assertThat(c.contains(java.net.InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(c.contains(java.net.InetAddress.getByName("::1"))).isFalse();
        assertThat(Cidr.parse("::1").contains(java.net.InetAddress.getByName("::1"))).isTrue();
    }
}
