package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.IpFamily.IPV6;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.server.SipdispatchServer;
import io.sipdispatch.server.dns.Dnsmasq;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Destinations given by host name, resolved by a private dnsmasq on loopback (RFC 3263): one name's SRV
 * records spread calls over three SIPp backends by priority and weight; another name's address moves from
 * IPv4 to IPv6 and the calls follow after its TTL; then DNS stops and the calls go on to the last good
 * address, with the failure shown by {@code dispatcher.list}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DnsDispatchIT {
    @TempDir
    static Path dir;

    static Dnsmasq dns;
    static Sipp.Backend a;
    static Sipp.Backend b;
    static Sipp.Backend c;
    static Sipp.Backend moving4;
    static Sipp.Backend moving6;
    static SipdispatchServer server;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        a = Sipp.backend(dir, "srv-a", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        b = Sipp.backend(dir, "srv-b", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        c = Sipp.backend(dir, "srv-c", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        int movingPort = FreePorts.udpAndTcp();
        moving4 = Sipp.backend(dir, "moving4", IPV4, UDP, movingPort, E2e.BACKEND_LIFETIME);
        moving6 = Sipp.backend(dir, "moving6", IPV6, UDP, movingPort, E2e.BACKEND_LIFETIME);
        dns = Dnsmasq.start(dir.resolve("dns"), "127.0.0.1 gw.test\n127.0.0.1 moving.test\n",
            "--srv-host=_sip._udp.carrier.test,gw.test," + a.port() + ",10,75",
            "--srv-host=_sip._udp.carrier.test,gw.test," + b.port() + ",10,25",
            "--srv-host=_sip._udp.carrier.test,gw.test," + c.port() + ",20,100");
        port = FreePorts.udpAndTcp();
        Files.writeString(dir.resolve("dispatcher.list"), "1 sip:carrier.test;transport=udp 0 0 duid=carrier\n"
            + "2 sip:moving.test:" + movingPort + " 0 0 duid=moving\n");
        Files.writeString(dir.resolve("sipdispatch.yaml"), E2e.listenEverywhere(port) + """
            dispatcher: { list_file: dispatcher.list }
            dns: { servers: ['127.0.0.1:DNS'], timeout: 500ms, min_refresh: 1s }
            management: { listen: '127.0.0.1:0' }
            routes:
              - match: { ruri_user: '^carrier' }
                dispatch: { set: 1 }
              - match: { ruri_user: '^moving' }
                dispatch: { set: 2 }
            """.replace("DNS", Integer.toString(dns.port)));
        server = SipdispatchServer.prepare(dir.resolve("sipdispatch.yaml")).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (dns != null) {
            dns.close();
        }
        for (Sipp.Backend x : new Sipp.Backend[] {a, b, c, moving4, moving6}) {
            if (x != null) {
                x.close();
            }
        }
    }

    static Sipp.Result calls(String service, int n, int rate) {
        return Sipp.uac("uac_call.xml").target(IPV4, port).transport(UDP).service(service).calls(n).rate(rate)
            .timeout(Duration.ofSeconds(30)).run(dir);
    }

    @Test
    @Order(1)
    void srvPrioritiesAndWeightsShareTheCallsAndEveryTargetIsASourceOfTheSet() {
        Sipp.Result run = calls("carrier", 200, 100);
        run.assertAllSucceeded();
        int atA = a.callIds(run, "INVITE").size();
        int atB = b.callIds(run, "INVITE").size();
        // Weights 75 and 25 at priority 10: 150 and 50 expected, each bound five standard deviations wide.
        assertThat(atA).as("weight 75").isBetween(120, 180);
        assertThat(atB).as("weight 25").isBetween(20, 80);
        assertThat(atA + atB).isEqualTo(200);
        assertThat(c.callIds(run, "INVITE")).as("priority 20: only when priority 10 has none").isEmpty();
        Destination carrier = server.snapshot().table().set(1).destinations().get(0);
        for (Sipp.Backend x : new Sipp.Backend[] {a, b, c}) {
            assertThat(server.snapshot().isInList("default", InetAddress.getLoopbackAddress(), x.port(), 1, false))
                .as("ds_is_from_list matches the resolved %s", x.name()).isTrue();
        }
        assertThat(server.snapshot().dnsEntry(carrier).targets()).hasSize(3);
    }

    @Test
    @Order(2)
    void aChangedAddressIsFollowedAfterItsTtl() throws Exception {
        Sipp.Result before = calls("moving", 3, 3);
        before.assertAllSucceeded();
        assertThat(moving4.callIds(before, "INVITE")).hasSize(3);
        dns.hosts("127.0.0.1 gw.test\n::1 moving.test\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Destination d = server.snapshot().table().set(2).destinations().get(0);
            var e = server.snapshot().dnsEntry(d);
            return e != null && !e.targets().isEmpty() && e.targets().get(0).address().getAddress().getHostAddress()
                .contains(":");
        });
        Sipp.Result after = calls("moving", 3, 3);
        after.assertAllSucceeded();
        assertThat(moving6.callIds(after, "INVITE")).as("calls at the new IPv6 address").hasSize(3);
        assertThat(moving4.callIds(after, "INVITE")).isEmpty();
    }

    @Test
    @Order(3)
    void whenDnsStopsTheLastGoodAnswerKeepsCarryingCallsAndTheFailureIsListed() throws Exception {
        dns.stop();
        Destination d = server.snapshot().table().set(2).destinations().get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.snapshot().dnsEntry(d).failing());
        Sipp.Result during = calls("moving", 3, 3);
        during.assertAllSucceeded();
        assertThat(moving6.callIds(during, "INVITE")).hasSize(3);
        JsonNode list = ManagementIT.call("http://127.0.0.1:" + server.managementPort() + "/RPC", null,
            "dispatcher.list").get("result");
        JsonNode dest = list.get("RECORDS").get(1).get("SET").get("TARGETS").get(0).get("DEST");
        assertThat(dest.get("URI").asText()).startsWith("sip:moving.test:");
        assertThat(dest.get("DNS").get("ERROR").asText()).contains("no answer from DNS");
        assertThat(dest.get("DNS").get("TARGETS").get(0).asText()).startsWith("udp:0:0:0:0:0:0:0:1:");
    }
}
