package io.sipdispatch.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The harness checked on its own, without sipdispatch: SIPp callers straight to SIPp backends, over UDP and
 * TCP, IPv4 and IPv6. If these fail, the proxy tests say nothing.
 */
class SippHarnessIT {
    @TempDir
    static Path dir;

    private static final Map<Transport, Sipp.Backend> V4 = new EnumMap<>(Transport.class);
    private static final Map<Transport, Sipp.Backend> V6 = new EnumMap<>(Transport.class);

    @BeforeAll
    static void startBackends() {
        for (Transport t : Transport.values()) {
            V4.put(t, Sipp.backend(dir, "uas-v4-" + t.lower(), IpFamily.IPV4, t, FreePorts.udpAndTcp(),
                Duration.ofSeconds(180)));
            V6.put(t, Sipp.backend(dir, "uas-v6-" + t.lower(), IpFamily.IPV6, t, FreePorts.udpAndTcp(),
                Duration.ofSeconds(180)));
        }
    }

    @AfterAll
    static void stopBackends() {
        V4.values().forEach(Sipp.Backend::close);
        V6.values().forEach(Sipp.Backend::close);
    }

    private static Sipp.Backend backend(IpFamily family, Transport t) {
        return (family == IpFamily.IPV4 ? V4 : V6).get(t);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void callsStraightToABackendAllSucceedAndAreRecorded(Transport transport) {
        for (IpFamily family : IpFamily.values()) {
            Sipp.Backend uas = backend(family, transport);
            Sipp.Result run = Sipp.uac("uac_call.xml").target(family, uas.port()).transport(transport)
                .service("direct").fromUsers("alice", "bob").calls(20).rate(40).run(dir);
            run.assertAllSucceeded();

            assertThat(uas.callIds(run, "INVITE")).as("%s\n%s", run, uas.diagnostics()).hasSize(20);
            assertThat(uas.callIds(run, "ACK")).containsExactlyInAnyOrderElementsOf(uas.callIds(run, "INVITE"));
            assertThat(uas.callIds(run, "BYE")).containsExactlyInAnyOrderElementsOf(uas.callIds(run, "INVITE"));
            List<SipMessage> invites = uas.requestsOf(run).stream().filter(m -> "INVITE".equals(m.method())).toList();
            assertThat(invites).extracting(SipMessage::fromUser).containsOnly("alice", "bob");
            assertThat(invites).allSatisfy(m -> {
                assertThat(m.requestUri()).isEqualTo("sip:direct@" + family.hostPort(uas.port()));
                assertThat(m.transport()).isEqualTo(transport.name());
            });
            // The ACK and BYE go to the Contact the backend gave in its 200.
            assertThat(uas.requestsOf(run)).filteredOn(m -> "BYE".equals(m.method()))
                .allSatisfy(m -> assertThat(m.requestUri()).startsWith("sip:uas@" + family.hostPort(uas.port())));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void optionsAndRegisterStraightToABackendSucceed(Transport transport) {
        Sipp.Backend uas = backend(IpFamily.IPV4, transport);
        Sipp.Result options = Sipp.uac("uac_options.xml").target(IpFamily.IPV4, uas.port()).transport(transport)
            .calls(5).rate(50).run(dir).assertAllSucceeded();
        Sipp.Result register = Sipp.uac("uac_register.xml").target(IpFamily.IPV4, uas.port()).transport(transport)
            .fromUsers("carol").calls(5).rate(50).run(dir).assertAllSucceeded();

        assertThat(uas.callIds(options, "OPTIONS")).hasSize(5);
        assertThat(uas.callIds(register, "REGISTER")).hasSize(5);
        assertThat(uas.requestsOf(register)).allSatisfy(m -> {
            assertThat(m.fromUser()).isEqualTo("carol");
            assertThat(m.header("Path")).isNull();
        });
    }

    @Test
    void theRegisterPathCheckFailsWhenNoPathWasAdded() {
        Sipp.Backend uas = backend(IpFamily.IPV4, Transport.UDP);
        Sipp.Result run = Sipp.uac("uac_register.xml").target(IpFamily.IPV4, uas.port())
            .set("require_path", "1").calls(1).run(dir);

        assertThat(run.successful()).as("%s", run).isZero();
        assertThat(run.failed()).as("%s", run).isEqualTo(1);
        assertThat(run.exitCode()).as("%s", run).isNotZero();
    }

    @Test
    void theBackendReturnsThePathOfARegisterAsARegistrarDoes() throws IOException {
        Sipp.Backend uas = backend(IpFamily.IPV4, Transport.UDP);
        try (RawSip.Udp udp = new RawSip.Udp(IpFamily.IPV4)) {
            RawSip.Request register = RawSip.Request.of("REGISTER", "sip:" + IpFamily.IPV4.hostPort(uas.port()),
                    Transport.UDP, udp.sentBy(), RawSip.unique("harness-register") + "@127.0.0.1")
                .set("Path", "<sip:edge.invalid;lr>")
                .set("Contact", "<sip:dave@" + udp.sentBy() + ">");
            Optional<SipMessage> answer = udp.exchange(register, uas.port(), Duration.ofSeconds(5));

            assertThat(answer).as(uas.diagnostics()).isPresent();
            assertThat(answer.get().statusCode()).isEqualTo(200);
            assertThat(answer.get().header("Path")).isEqualTo("<sip:edge.invalid;lr>");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aCancelledCallGets487AndTheBackendSeesInviteCancelAndAck(Transport transport) {
        Sipp.Backend uas = backend(IpFamily.IPV6, transport);
        Sipp.Result run = Sipp.uac("uac_cancel.xml").target(IpFamily.IPV6, uas.port()).transport(transport)
            .service("direct-cancel").calls(4).rate(20).run(dir).assertAllSucceeded();

        assertThat(run.received()).filteredOn(m -> m.statusCode() == 487).hasSize(4);
        List<String> invites = uas.callIds(run, "INVITE");
        assertThat(invites).hasSize(4);
        assertThat(uas.callIds(run, "CANCEL")).containsExactlyInAnyOrderElementsOf(invites);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(uas.callIds(run, "ACK")).containsExactlyInAnyOrderElementsOf(invites));
        // CANCEL and the ACK of the 487 carry the INVITE's branch (RFC 3261 9.1, 17.1.1.3).
        for (SipMessage cancel : uas.requestsOf(run).stream().filter(m -> "CANCEL".equals(m.method())).toList()) {
            SipMessage invite = uas.requestsOf(run).stream()
                .filter(m -> "INVITE".equals(m.method()) && m.callId().equals(cancel.callId())).findFirst().orElseThrow();
            assertThat(cancel.topViaBranch()).isEqualTo(invite.topViaBranch());
        }
    }

    @Test
    void aCallerWithNobodyToAnswerReportsFailedCalls() {
        int nobody = FreePorts.udpAndTcp();
        Sipp.Result run = Sipp.uac("uac_options.xml").target(IpFamily.IPV4, nobody)
            .calls(2).rate(10).recvTimeout(Duration.ofMillis(800)).timeout(Duration.ofSeconds(20)).run(dir);

        assertThat(run.successful()).as("%s", run).isZero();
        assertThat(run.failed()).as("%s", run).isEqualTo(2);
        assertThat(run.exitCode()).as("%s", run).isNotZero();
    }

    @Test
    void freePortsAreDistinctAndBindableForUdpAndTcpOnBothFamilies() throws IOException {
        int[] ports = FreePorts.udpAndTcp(5);
        assertThat(ports).doesNotHaveDuplicates();
        for (int port : ports) {
            assertThat(port).isBetween(20000, 32767);
        }
        for (IpFamily family : IpFamily.values()) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(family.address()), ports[0]);
            try (DatagramSocket udp = new DatagramSocket(address); ServerSocket tcp = new ServerSocket()) {
                tcp.bind(address);
                assertThat(udp.getLocalPort()).isEqualTo(ports[0]);
                assertThat(tcp.getLocalPort()).isEqualTo(ports[0]);
            }
        }
    }
}
