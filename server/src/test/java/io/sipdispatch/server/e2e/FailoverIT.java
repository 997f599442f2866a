package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stateful mode's failover with real SIPp backends, one per way of failing: one that never answers,
 * one that answers 500 (or 503 with Retry-After), one that rings and never answers, a TCP port nobody
 * listens on, a UDP port nobody listens on (an ICMP port-unreachable), and a healthy one. Each set puts a
 * failing backend first (higher priority) and the healthy one behind it; the routes do not mark, so that
 * every call meets the failure, except the one route that tests marking.
 */
class FailoverIT {
    @TempDir
    static Path dir;

    static int port;
    static int closedTcp;
    static int closedUdp;
    static SipdispatchProcess proxy;
    static Sipp.Backend healthy;
    static Sipp.Backend silent;
    static Sipp.Backend error;
    static Sipp.Backend ring;
    static final List<Sipp.Backend> ALL = new ArrayList<>();

    @BeforeAll
    static void start() {
        port = FreePorts.udpAndTcp();
        healthy = add(Sipp.backend(dir, "healthy", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME));
        silent = add(Sipp.backend(dir, "silent", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME, "uas_silent.xml"));
        error = add(Sipp.backend(dir, "error", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME, "uas_error.xml"));
        ring = add(Sipp.backend(dir, "ring", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME, "uas_ring.xml"));
        closedTcp = FreePorts.udpAndTcp();
        closedUdp = FreePorts.udpAndTcp();
        String list = "# setid destination flags priority attrs\n"
            + E2e.listLine(1, silent, 50, "duid=silent") + E2e.listLine(1, healthy, 10, "duid=healthy")
            + E2e.listLine(2, error, 50, "duid=error") + E2e.listLine(2, healthy, 10, "duid=healthy")
            + "3 sip:127.0.0.1:" + closedTcp + ";transport=tcp 0 50 duid=closed-tcp\n"
            + E2e.listLine(3, healthy, 10, "duid=healthy")
            + "4 sip:127.0.0.1:" + closedUdp + " 0 50 duid=closed-udp\n" + E2e.listLine(4, healthy, 10, "duid=healthy")
            + E2e.listLine(5, ring, 50, "duid=ring") + E2e.listLine(5, healthy, 10, "duid=healthy")
            + E2e.listLine(6, silent, 50, "duid=silent") + E2e.listLine(6, healthy, 10, "duid=healthy")
            + E2e.listLine(7, silent, 50, "duid=silent") + E2e.listLine(7, error, 10, "duid=error");
        String config = E2e.listenEverywhere(port) + """
            record_route: true
            dispatcher:
              list_file: dispatcher.list
            routes:
              - name: silent
                match: { ruri_user: '^silent' }
                dispatch: { set: 1, algorithm: 8, failover: { no_reply_timeout: 1s, on: [timeout], mark: none } }
              - name: error
                match: { ruri_user: '^error' }
                dispatch: { set: 2, algorithm: 8, failover: { on: [500], mark: none } }
              - name: tcp-refused
                match: { ruri_user: '^tcpdead' }
                dispatch: { set: 3, algorithm: 8, failover: { no_reply_timeout: 20s, on: [transport_error], mark: none } }
              - name: udp-unreachable
                match: { ruri_user: '^udpdead' }
                dispatch: { set: 4, algorithm: 8, failover: { no_reply_timeout: 20s, on: [transport_error], mark: none } }
              - name: ring
                match: { ruri_user: '^ring' }
                dispatch: { set: 5, algorithm: 8, failover: { ringing_timeout: 1s, on: [timeout], mark: none } }
              - name: mark
                match: { ruri_user: '^mark' }
                dispatch: { set: 6, algorithm: 8, failover: { no_reply_timeout: 1s, on: [timeout], mark: inactive+probing } }
              - name: none-left
                match: { ruri_user: '^none' }
                dispatch: { set: 7, algorithm: 8, failover: { no_reply_timeout: 1s, on: [timeout, 500] } }
                when_none_left: { reply: 404, reason: No destination }
              - name: cancel
                match: { ruri_user: '^cancel' }
                dispatch: { set: 1, algorithm: 8, failover: { no_reply_timeout: 1s, on: [timeout], mark: none } }
              - name: deny
                reply: { code: 403, reason: Forbidden }
            """;
        proxy = SipdispatchProcess.start(dir.resolve("sipdispatch"), config, list);
    }

    static Sipp.Backend add(Sipp.Backend b) {
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

    Sipp.Result calls(String service, int calls, Duration within) {
        return Sipp.uac("uac_call.xml").target(IPV4, port).transport(UDP).service(service).calls(calls).rate(calls)
            .timeout(within).run(dir);
    }

    String context(Sipp.Result run) {
        return run + "\n" + E2e.diagnostics(ALL) + "\n" + proxy.describe();
    }

    /** Every call of {@code run} reached the healthy backend exactly once: retransmissions were absorbed. */
    void everyCallAnsweredByTheHealthyBackend(Sipp.Result run, int calls) {
        assertThat(run.failed()).as("failed calls\n%s", context(run)).isZero();
        assertThat(run.successful()).as("calls\n%s", context(run)).isEqualTo(calls);
        List<String> invites = healthy.callIds(run, "INVITE");
        assertThat(invites).as("INVITEs at the healthy backend").hasSize(calls).doesNotHaveDuplicates();
    }

    @Test
    void aBackendThatNeverAnswersIsPassedOverAfterTheNoReplyTimer() {
        Sipp.Result run = calls("silent", 4, Duration.ofSeconds(20));
        everyCallAnsweredByTheHealthyBackend(run, 4);
        for (String callId : silent.callIds(run, "INVITE").stream().distinct().toList()) {
            long sends = silent.requestsOf(run).stream().filter(m -> callId.equals(m.callId())).count();
            // Timer A retransmits at 500 ms; the 1 s no-reply timer gives the branch up.
            assertThat(sends).as("INVITEs of %s at the silent backend", callId).isBetween(2L, 3L);
        }
        assertThat(silent.callIds(run, "INVITE").stream().distinct()).hasSize(4);
    }

    @Test
    void aBackendAnswering500IsAcknowledgedHopByHopAndPassedOver() {
        Sipp.Result run = calls("error", 3, Duration.ofSeconds(20));
        everyCallAnsweredByTheHealthyBackend(run, 3);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(error.callIds(run, "ACK").stream().distinct().toList()).as("ACKs of the 500s")
                .containsExactlyInAnyOrderElementsOf(error.callIds(run, "INVITE").stream().distinct().toList())
                .hasSize(3));
    }

    @Test
    void aRefusedTcpConnectionFailsOverAtOnce() {
        // The no-reply timer is 20 s: only the refused connection can move these calls within 10 s.
        Sipp.Result run = calls("tcpdead", 3, Duration.ofSeconds(10));
        everyCallAnsweredByTheHealthyBackend(run, 3);
    }

    @Test
    void anIcmpPortUnreachableFailsOverAtOnce() {
        Sipp.Result run = calls("udpdead", 3, Duration.ofSeconds(10));
        everyCallAnsweredByTheHealthyBackend(run, 3);
    }

    @Test
    void aCallRingingTooLongIsCancelledThereAndAnsweredElsewhere() {
        Sipp.Result run = calls("ring", 3, Duration.ofSeconds(20));
        everyCallAnsweredByTheHealthyBackend(run, 3);
        List<String> rung = ring.callIds(run, "INVITE");
        assertThat(rung).hasSize(3);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(ring.callIds(run, "CANCEL")).as("CANCELs at the ringing backend")
                .containsExactlyInAnyOrderElementsOf(rung);
            assertThat(ring.callIds(run, "ACK")).as("ACKs of its 487s").containsExactlyInAnyOrderElementsOf(rung);
        });
    }

    @Test
    void aMarkedDestinationIsLeftOutOfLaterCalls() {
        Sipp.Result first = calls("mark", 1, Duration.ofSeconds(20));
        everyCallAnsweredByTheHealthyBackend(first, 1);
        assertThat(silent.callIds(first, "INVITE")).isNotEmpty();
        Sipp.Result later = calls("mark", 3, Duration.ofSeconds(20));
        everyCallAnsweredByTheHealthyBackend(later, 3);
        assertThat(silent.callIds(later, "INVITE")).as("calls sent to the marked backend").isEmpty();
    }

    @Test
    void whenEveryDestinationFailsTheCallerGetsTheRoutesReply() throws IOException {
        try (RawSip.Udp udp = new RawSip.Udp(IPV4)) {
            String callId = RawSip.unique("none") + "@127.0.0.1";
            // The silent backend's 1 s no-reply timer, then the erroring one's 500: nothing is left.
            Optional<SipMessage> fin = udp.exchange(RawSip.Request.of("INVITE", "sip:none@127.0.0.1:" + port, UDP,
                udp.sentBy(), callId), port, Duration.ofSeconds(5));
            assertThat(fin).as("final response\n%s", proxy.describe()).isPresent();
            assertThat(fin.get().startLine()).isEqualTo("SIP/2.0 404 No destination");
        }
    }

    @Test
    void aCancelReachesTheBackendRingingAfterAFailover() {
        Sipp.Result run = Sipp.uac("uac_cancel.xml").target(IPV4, port).transport(UDP).service("cancel-me")
            .calls(3).rate(3).timeout(Duration.ofSeconds(20)).run(dir);
        assertThat(run.failed()).as("failed calls\n%s", context(run)).isZero();
        assertThat(run.received()).filteredOn(m -> m.statusCode() == 487).extracting(SipMessage::callId)
            .doesNotHaveDuplicates().hasSize(3);
        List<String> invites = healthy.callIds(run, "INVITE");
        assertThat(invites).hasSize(3);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(healthy.callIds(run, "CANCEL")).containsExactlyInAnyOrderElementsOf(invites));
        assertThat(proxy.isAlive()).isTrue();
    }
}
