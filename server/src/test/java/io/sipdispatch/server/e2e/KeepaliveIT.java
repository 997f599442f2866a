package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keepalive probing with a backend that is not there at first, then starts, then stops: probing takes it
 * out, brings it back once it answers, and takes it out again, while every call completes on whichever
 * backend is up; each change reaches a real HTTP receiver as exactly one event.
 */
class KeepaliveIT {
    @TempDir
    static Path dir;

    static int port;
    static int flakyPort;
    static SipdispatchProcess proxy;
    static Sipp.Backend healthy;
    static HttpServer receiver;
    static final List<Map<String, Object>> EVENTS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/events", x -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> body = new ObjectMapper().readValue(x.getRequestBody(), Map.class);
            EVENTS.add(body);
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        receiver.start();
        port = FreePorts.udpAndTcp();
        flakyPort = FreePorts.udpAndTcp();
        healthy = Sipp.backend(dir, "healthy", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        String list = "1 sip:127.0.0.1:" + flakyPort + " 0 50 duid=flaky\n" + E2e.listLine(1, healthy, 10, "duid=healthy");
        String config = E2e.listenEverywhere(port) + """
            dispatcher:
              list_file: dispatcher.list
              probing: { interval: 500ms, timeout: 400ms, threshold: 1, recovery_threshold: 2 }
            routes:
              - dispatch: { set: 1, algorithm: 8, failover: { no_reply_timeout: 2s } }
            events:
              webhooks: [ { url: 'http://127.0.0.1:RECEIVER/events' } ]
            """.replace("RECEIVER", Integer.toString(receiver.getAddress().getPort()));
        proxy = SipdispatchProcess.start(dir.resolve("sipdispatch"), config, list);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (healthy != null) {
            healthy.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    /** The events received for the flaky destination, as "old -> new". */
    static List<String> flakyEvents() {
        return EVENTS.stream().filter(e -> ("sip:127.0.0.1:" + flakyPort).equals(e.get("destination")))
            .map(e -> e.get("old_state") + " -> " + e.get("new_state") + " " + e.get("event")).toList();
    }

    Sipp.Result call() {
        return Sipp.uac("uac_call.xml").target(IPV4, port).transport(UDP).service("ka").calls(1).rate(1)
            .timeout(Duration.ofSeconds(10)).run(dir);
    }

    @Test
    void aBackendIsTakenOutBroughtBackAndTakenOutAgainByItsKeepalives() {
        await("the absent backend marked down").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(proxy.log()).contains("sip:127.0.0.1:" + flakyPort + " of set 1: AX -> IP"));
        Sipp.Result before = call();
        assertThat(before.failed()).as("%s\n%s", before, proxy.describe()).isZero();
        assertThat(healthy.callIds(before, "INVITE")).hasSize(1);

        try (Sipp.Backend flaky = Sipp.backend(dir, "flaky", IPV4, UDP, flakyPort, E2e.BACKEND_LIFETIME)) {
            await("the backend brought back").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(proxy.log()).contains("sip:127.0.0.1:" + flakyPort + " of set 1: IP -> AP"));
            assertThat(flaky.requests(m -> "OPTIONS".equals(m.method()))).as("keepalives at the backend").hasSizeGreaterThanOrEqualTo(2);
            Sipp.Result back = call();
            assertThat(back.failed()).as("%s\n%s", back, proxy.describe()).isZero();
            assertThat(flaky.callIds(back, "INVITE")).as("the call goes to the preferred backend again").hasSize(1);
        }
        await("the stopped backend marked down again").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(proxy.log()).contains("sip:127.0.0.1:" + flakyPort + " of set 1: AP -> IP"));
        Sipp.Result after = call();
        assertThat(after.failed()).as("%s\n%s", after, proxy.describe()).isZero();
        assertThat(healthy.callIds(after, "INVITE")).hasSize(1);
        await("the events at the receiver").atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(flakyEvents()).containsExactly(
                "null -> AX dispatcher:dst-up",
                "AX -> IP dispatcher:dst-down",
                "IP -> AP dispatcher:dst-up",
                "AP -> IP dispatcher:dst-down"));
        assertThat(EVENTS).filteredOn(e -> "initial".equals(e.get("reason"))).hasSize(2);
        assertThat(proxy.isAlive()).isTrue();
    }
}
