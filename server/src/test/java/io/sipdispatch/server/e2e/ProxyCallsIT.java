package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.IpFamily.IPV6;
import static io.sipdispatch.server.e2e.Transport.TCP;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Whole calls, OPTIONS and REGISTER through sipdispatch to SIPp backends: UDP and TCP, IPv4 and IPv6, and
 * a change of transport (UDP in, TCP out) or of address family on the way.
 *
 * <p>Four sets, each reached by its Request-URI user: {@code udp4} (set 1, two UDP backends on
 * 127.0.0.1), {@code tcp4} (set 2, two TCP backends on 127.0.0.1), {@code udp6} (set 3, one UDP backend on
 * ::1), {@code tcp6} (set 4, one TCP backend on ::1), all round-robin; anything else is refused with 403.
 */
class ProxyCallsIT {
    @TempDir
    static Path dir;

    static int port;
    static SipdispatchProcess proxy;
    static final Map<String, List<Sipp.Backend>> SETS = new LinkedHashMap<>();
    static final List<Sipp.Backend> ALL = new ArrayList<>();

    /** A way through the proxy: how the caller reaches it, and the service that picks the set. */
    enum Leg {
        UDP4_TO_UDP4(UDP, IPV4, "udp4"),
        TCP4_TO_TCP4(TCP, IPV4, "tcp4"),
        UDP4_TO_TCP4(UDP, IPV4, "tcp4"),
        UDP6_TO_UDP6(UDP, IPV6, "udp6"),
        TCP6_TO_TCP6(TCP, IPV6, "tcp6"),
        UDP6_TO_TCP6(UDP, IPV6, "tcp6"),
        UDP4_TO_UDP6(UDP, IPV4, "udp6");

        final Transport in;
        final IpFamily family;
        final String service;

        Leg(Transport in, IpFamily family, String service) {
            this.in = in;
            this.family = family;
            this.service = service;
        }

        List<Sipp.Backend> set() {
            return SETS.get(service);
        }
    }

    @BeforeAll
    static void start() {
        port = FreePorts.udpAndTcp();
        SETS.put("udp4", List.of(backend("udp4-a", IPV4, UDP), backend("udp4-b", IPV4, UDP)));
        SETS.put("tcp4", List.of(backend("tcp4-a", IPV4, TCP), backend("tcp4-b", IPV4, TCP)));
        SETS.put("udp6", List.of(backend("udp6-a", IPV6, UDP)));
        SETS.put("tcp6", List.of(backend("tcp6-a", IPV6, TCP)));
        StringBuilder list = new StringBuilder("# setid destination flags priority attrs\n");
        int set = 1;
        for (List<Sipp.Backend> backends : SETS.values()) {
            for (Sipp.Backend b : backends) {
                list.append(E2e.listLine(set, b, 0, "duid=" + b.name()));
            }
            set++;
        }
        String config = E2e.listenEverywhere(port) + """
            compliance: strict
            record_route: true
            path: true
            mode: stateless
            dispatcher:
              list_file: dispatcher.list
              hash: rendezvous
            routes:
              - name: udp4
                match: { ruri_user: '^udp4(-.*)?$' }
                dispatch: { set: 1, algorithm: round-robin }
              - name: tcp4
                match: { ruri_user: '^tcp4(-.*)?$' }
                dispatch: { set: 2, algorithm: round-robin }
              - name: udp6
                match: { ruri_user: '^udp6(-.*)?$' }
                dispatch: { set: 3, algorithm: round-robin }
              - name: tcp6
                match: { ruri_user: '^tcp6(-.*)?$' }
                dispatch: { set: 4, algorithm: round-robin }
              - name: deny
                reply: { code: 403, reason: Forbidden }
            """;
        proxy = SipdispatchProcess.start(dir.resolve("sipdispatch"), config, list.toString());
    }

    private static Sipp.Backend backend(String name, IpFamily family, Transport transport) {
        Sipp.Backend b = Sipp.backend(dir, name, family, transport, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        ALL.add(b);
        return b;
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        ALL.forEach(Sipp.Backend::close);
    }

    private static String context(Sipp.Result run) {
        return run + "\n" + E2e.diagnostics(ALL) + "\n" + proxy.describe();
    }

    @ParameterizedTest
    @EnumSource(Leg.class)
    void wholeCallsPassThrough(Leg leg) {
        Sipp.Result run = Sipp.uac("uac_call.xml").target(leg.family, port).transport(leg.in)
            .service(leg.service).fromUsers("alice", "bob", "carol").calls(30).rate(30).run(dir);
        assertThat(run.failed()).as("failed calls\n%s", context(run)).isZero();
        assertThat(run.successful()).as("successful calls\n%s", context(run)).isEqualTo(30);

        List<Sipp.Backend> set = leg.set();
        E2e.assertEachCallStayedOnOneBackend(run, set, 30);
        assertThat(E2e.backendsUsed(run, set)).as("round-robin over the set").hasSize(set.size());
        for (Sipp.Backend other : ALL) {
            if (!set.contains(other)) {
                assertThat(other.requestsOf(run)).as("requests at %s, outside the set", other).isEmpty();
            }
        }
        for (Sipp.Backend b : set) {
            for (SipMessage m : b.requestsOf(run)) {
                assertThat(m.transport()).as("transport to %s", b).isEqualTo(b.transport().name());
                assertThat(m.maxForwards()).as("Max-Forwards of\n%s", m).isEqualTo(69);
                assertThat(m.topVia()).as("sipdispatch's Via on top of\n%s", m).contains(":" + port);
                assertThat(m.headerValues("Via").get(m.headerValues("Via").size() - 1))
                    .as("the caller's Via at the bottom of\n%s", m).startsWith("SIP/2.0/" + leg.in.name());
            }
            for (SipMessage invite : b.requests(m -> run.owns(m) && "INVITE".equals(m.method()))) {
                assertThat(invite.requestUri()).as("Request-URI, left as it is (outbound-proxy)")
                    .isEqualTo("sip:" + leg.service + "@" + leg.family.hostPort(port));
                assertThat(invite.headerValues("Record-Route")).as("Record-Route of\n%s", invite).isNotEmpty()
                    .allSatisfy(rr -> assertThat(rr).contains(":" + port).contains(";lr"));
            }
            for (SipMessage inDialog : b.requests(m -> run.owns(m) && !"INVITE".equals(m.method()))) {
                assertThat(inDialog.requestUri()).as("Request-URI of\n%s", inDialog)
                    .startsWith("sip:uas@" + b.family().hostPort(b.port()));
                assertThat(inDialog.headers("Route")).as("Route left in\n%s", inDialog).isEmpty();
            }
        }
        assertThat(proxy.isAlive()).isTrue();
        assertThat(proxy.stderrText()).as("sipdispatch's log while carrying good calls")
            .doesNotContain(" ERROR ", "Exception");
    }

    @ParameterizedTest
    @EnumSource(value = Leg.class, names = {"UDP4_TO_UDP4", "TCP4_TO_TCP4", "UDP6_TO_UDP6", "TCP6_TO_TCP6", "UDP4_TO_TCP4"})
    void optionsPassThrough(Leg leg) {
        Sipp.Result run = Sipp.uac("uac_options.xml").target(leg.family, port).transport(leg.in)
            .service(leg.service).calls(10).rate(50).run(dir);
        assertThat(run.failed()).as("failed OPTIONS\n%s", context(run)).isZero();
        assertThat(run.successful()).as("answered OPTIONS\n%s", context(run)).isEqualTo(10);

        int received = 0;
        for (Sipp.Backend b : leg.set()) {
            received += b.callIds(run, "OPTIONS").size();
            assertThat(b.requestsOf(run)).allSatisfy(m -> {
                assertThat(m.method()).isEqualTo("OPTIONS");
                assertThat(m.maxForwards()).isEqualTo(69);
            });
        }
        assertThat(received).as("OPTIONS at the backends of %s", leg.service).isEqualTo(10);
    }

    @ParameterizedTest
    @EnumSource(value = Leg.class, names = {"UDP4_TO_UDP4", "TCP4_TO_TCP4", "TCP6_TO_TCP6", "UDP6_TO_TCP6"})
    void registerReachesTheRegistrarWithAPathNamingSipdispatch(Leg leg) {
        // require_path: the caller fails unless the registrar's 200 returns the Path the REGISTER reached it with.
        Sipp.Result run = Sipp.uac("uac_register.xml").target(leg.family, port).transport(leg.in)
            .service(leg.service).fromUsers("dave", "erin").set("require_path", "1").calls(6).rate(50).run(dir);
        assertThat(run.failed()).as("failed REGISTERs\n%s", context(run)).isZero();
        assertThat(run.successful()).as("REGISTERs answered 200 with a Path\n%s", context(run)).isEqualTo(6);

        List<SipMessage> registers = new ArrayList<>();
        leg.set().forEach(b -> registers.addAll(b.requests(m -> run.owns(m) && "REGISTER".equals(m.method()))));
        assertThat(registers).extracting(SipMessage::callId).doesNotHaveDuplicates().hasSize(6);
        assertThat(registers).allSatisfy(m -> {
            assertThat(m.headerValues("Path")).as("Path of\n%s", m).hasSize(1);
            assertThat(m.header("Path")).as("Path of\n%s", m).contains(":" + port).contains(";lr");
            assertThat(m.maxForwards()).isEqualTo(69);
        });
    }

    @Test
    void aRequestNoRouteMatchesIsRefusedWith403AndGoesNowhere() throws IOException {
        for (IpFamily family : IpFamily.values()) {
            try (RawSip.Udp udp = new RawSip.Udp(family)) {
                String callId = RawSip.unique("e2e-deny") + "@" + family.uriHost();
                RawSip.Request options = RawSip.Request.of("OPTIONS", "sip:nobody@" + family.hostPort(port),
                    UDP, udp.sentBy(), callId);
                Optional<SipMessage> answer = udp.exchange(options, port, Duration.ofSeconds(5));

                assertThat(answer).as("answer to\n%s\n%s", options, proxy.describe()).isPresent();
                assertThat(answer.get().statusCode()).as("%s", answer.get()).isEqualTo(403);
                assertThat(answer.get().callId()).isEqualTo(callId);
                for (Sipp.Backend b : ALL) {
                    assertThat(b.requests(m -> callId.equals(m.callId()))).as("at %s", b).isEmpty();
                }
            }
        }
    }
}
