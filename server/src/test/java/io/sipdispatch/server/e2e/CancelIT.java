package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.TCP;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CANCEL through a stateless sipdispatch under round-robin, where the algorithm alone would send it to the
 * next backend: it must reach the backend that has the INVITE, with the INVITE's branch, and so must the
 * ACK of the 487; the caller gets its 487.
 *
 * <p>Set 1: three UDP backends; set 2: three TCP backends. The backends ring without answering when the
 * Request-URI user contains "cancel" ({@code uas.xml}).
 */
class CancelIT {
    @TempDir
    static Path dir;

    static int port;
    static SipdispatchProcess proxy;
    static final List<Sipp.Backend> UDP_SET = new ArrayList<>();
    static final List<Sipp.Backend> TCP_SET = new ArrayList<>();

    enum Leg {
        UDP_TO_UDP(UDP, "rr-udp-cancel"),
        TCP_TO_TCP(TCP, "rr-tcp-cancel"),
        UDP_TO_TCP(UDP, "rr-tcp-cancel");

        final Transport in;
        final String service;

        Leg(Transport in, String service) {
            this.in = in;
            this.service = service;
        }

        List<Sipp.Backend> set() {
            return service.startsWith("rr-udp") ? UDP_SET : TCP_SET;
        }
    }

    @BeforeAll
    static void start() {
        port = FreePorts.udpAndTcp();
        StringBuilder list = new StringBuilder("# setid destination flags priority attrs\n");
        for (int i = 1; i <= 3; i++) {
            Sipp.Backend u = Sipp.backend(dir, "udp-" + i, IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
            UDP_SET.add(u);
            list.append(E2e.listLine(1, u, 0, "duid=udp-" + i));
            Sipp.Backend t = Sipp.backend(dir, "tcp-" + i, IPV4, TCP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
            TCP_SET.add(t);
            list.append(E2e.listLine(2, t, 0, "duid=tcp-" + i));
        }
        String config = E2e.listenEverywhere(port) + """
            compliance: strict
            record_route: true
            mode: stateless
            dispatcher:
              list_file: dispatcher.list
            routes:
              - name: rr-udp
                match: { ruri_user: '^rr-udp(-.*)?$' }
                dispatch: { set: 1, algorithm: round-robin }
              - name: rr-tcp
                match: { ruri_user: '^rr-tcp(-.*)?$' }
                dispatch: { set: 2, algorithm: 4 }
              - name: deny
                reply: { code: 403, reason: Forbidden }
            """;
        proxy = SipdispatchProcess.start(dir.resolve("sipdispatch"), config, list.toString());
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        UDP_SET.forEach(Sipp.Backend::close);
        TCP_SET.forEach(Sipp.Backend::close);
    }

    @ParameterizedTest
    @EnumSource(Leg.class)
    void cancelReachesTheBackendOfItsInviteAndTheCallerGets487(Leg leg) {
        List<Sipp.Backend> set = leg.set();
        Sipp.Result run = Sipp.uac("uac_cancel.xml").target(IPV4, port).transport(leg.in).service(leg.service)
            .fromUsers("fay", "gus").calls(9).rate(3).run(dir);
        String context = run + "\n" + E2e.diagnostics(set) + "\n" + proxy.describe();
        assertThat(run.failed()).as("failed calls\n%s", context).isZero();
        assertThat(run.successful()).as("calls ended by 487\n%s", context).isEqualTo(9);
        assertThat(run.received()).as("487s the caller got").filteredOn(m -> m.statusCode() == 487)
            .extracting(SipMessage::callId).doesNotHaveDuplicates().hasSize(9);

        Map<String, Set<String>> where = E2e.backendsByCallId(run, set);
        assertThat(where).as("calls at the backends\n%s", context).hasSize(9);
        assertThat(where).allSatisfy((callId, backends) ->
            assertThat(backends).as("backends that saw call %s", callId).hasSize(1));
        assertThat(E2e.backendsUsed(run, set)).as("round-robin over the three").hasSize(3);

        for (Sipp.Backend b : set) {
            List<String> invites = b.callIds(run, "INVITE");
            assertThat(b.callIds(run, "CANCEL")).as("CANCELs at %s", b.name()).containsExactlyInAnyOrderElementsOf(invites);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(b.callIds(run, "ACK")).as("ACKs of the 487s at %s", b.name())
                    .containsExactlyInAnyOrderElementsOf(invites));
            for (SipMessage cancel : b.requests(m -> run.owns(m) && "CANCEL".equals(m.method()))) {
                SipMessage invite = b.requests(m -> "INVITE".equals(m.method()) && cancel.callId().equals(m.callId()))
                    .get(0);
                // RFC 3261 9.1 and 16.11: the backend matches the CANCEL to its INVITE by the top Via branch.
                assertThat(cancel.topViaBranch()).as("branch of the CANCEL of %s", cancel.callId())
                    .isEqualTo(invite.topViaBranch());
                assertThat(cancel.requestUri()).isEqualTo(invite.requestUri());
                assertThat(cancel.transport()).isEqualTo(b.transport().name());
            }
        }
        assertThat(proxy.isAlive()).isTrue();
    }
}
