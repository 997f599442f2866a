package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Call-load (Kamailio algorithm 10) against a real backend: with {@code maxload=N}, the (N+1)-th call held at
 * the same time is refused with the configured reply; after every BYE the count is exactly zero again, also
 * after a run of many calls racing for the slots on both event loops.
 */
class CallLoadIT {
    static final int MAXLOAD = 20;

    @TempDir
    static Path dir;

    static int port;
    static SipdispatchProcess proxy;
    static Sipp.Backend backend;

    @BeforeAll
    static void start() throws IOException {
        port = FreePorts.udpAndTcp();
        backend = Sipp.backend(dir, "gw", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        String list = E2e.listLine(1, backend, 0, "duid=gw;maxload=" + MAXLOAD);
        String config = E2e.listenEverywhere(port) + """
            dispatcher:
              list_file: dispatcher.list
            routes:
              - dispatch: { set: 1, algorithm: 10 }
                when_none_left: { reply: 486, reason: All Lines Busy }
            """;
        proxy = SipdispatchProcess.start(dir.resolve("sipdispatch"), config, list);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    /** {@code calls} calls at {@code rate} per second, each held {@code hold} once answered. */
    static Sipp.Result run(String service, int calls, double rate, Duration hold) {
        return Sipp.uac("uac_hold.xml").target(IPV4, port).transport(UDP).service(service).calls(calls).rate(rate)
            .hold(hold).timeout(Duration.ofSeconds(60)).run(dir);
    }

    /** The Call-IDs the proxy refused in {@code run}. */
    static Set<String> refused(Sipp.Result run) {
        return run.received().stream().filter(m -> m.statusCode() == 486).map(SipMessage::callId)
            .collect(Collectors.toSet());
    }

    void assertOneMoreThanMaxloadRefusesExactlyOne(String service) {
        // N+1 calls within a quarter of a second, each held 3 s: all N+1 are up at once.
        Sipp.Result r = run(service, MAXLOAD + 1, 100, Duration.ofSeconds(3));
        r.assertAllSucceeded();
        assertThat(refused(r)).as("%s\n%s", r, proxy.describe()).hasSize(1);
        assertThat(backend.callIds(r, "INVITE")).as("calls at the backend").hasSize(MAXLOAD);
        assertThat(backend.callIds(r, "BYE")).as("BYEs at the backend").hasSize(MAXLOAD);
    }

    @Test
    void theCallBeyondMaxloadIsRefusedAndTheCountReturnsToZeroExactly() {
        assertOneMoreThanMaxloadRefusesExactlyOne("first");

        // Concurrent load: 300 calls at 150 per second held 400 ms (about 60 up at once against 20 slots),
        // arriving on both event loops. Every call either completes at the backend or is refused.
        Sipp.Result load = run("load", 300, 150, Duration.ofMillis(400));
        load.assertAllSucceeded();
        int admitted = backend.callIds(load, "INVITE").size();
        assertThat(refused(load)).as("%s", load).isNotEmpty();
        assertThat(admitted + refused(load).size()).isEqualTo(300);
        assertThat(backend.callIds(load, "BYE")).hasSize(admitted);

        // Had one count been lost or kept, this would admit N+1 or N-1 calls.
        assertOneMoreThanMaxloadRefusesExactlyOne("again");

        proxy.close();
        await("the stop report").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(proxy.log()).contains("sipdispatch stopped"));
        // The one destination is active with no call left counted: only the summary names it.
        assertThat(proxy.log()).contains("dispatch table at stop: 1 of 1 destination(s) enabled and active with no"
            + " call counted").doesNotContain("destination " + backend.uri() + " of set 1 at stop");
    }
}
