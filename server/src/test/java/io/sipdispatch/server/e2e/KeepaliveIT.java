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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keepalive probing with a backend that is not there at first, then starts, then stops: probing takes it
 * out at exactly the threshold, brings it back at exactly the recovery threshold, and takes it out again,
 * while every call completes on whichever backend is up; each change reaches a real HTTP receiver as exactly
 * one event. The thresholds are checked by time: probes leave every 500 ms, so the third failure in a row
 * comes 1 s after the first, and the second answer 500 ms after the first.
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
              probing: { interval: 500ms, timeout: 400ms, threshold: 3, recovery_threshold: 2 }
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

    /** The events received for the flaky destination. */
    static List<Map<String, Object>> flaky() {
        return EVENTS.stream().filter(e -> ("sip:127.0.0.1:" + flakyPort).equals(e.get("destination"))).toList();
    }

    /** The events received for the flaky destination, as "old -> new event". */
    static List<String> flakyEvents() {
        return flaky().stream().map(e -> e.get("old_state") + " -> " + e.get("new_state") + " " + e.get("event")).toList();
    }

    /** When the flaky destination's {@code n}-th event happened, by the proxy's clock. */
    static Instant eventTime(int n) {
        return Instant.parse((String) flaky().get(n).get("time"));
    }

    /** Asserts that {@code to} came {@code millis} ± a quarter interval after {@code from}. */
    static void assertApart(Instant from, Instant to, long millis, String what) {
        assertThat(Duration.between(from, to).toMillis()).as(what).isBetween(millis - 250, millis + 250);
    }

    Sipp.Result call() {
        return Sipp.uac("uac_call.xml").target(IPV4, port).transport(UDP).service("ka").calls(1).rate(1)
            .timeout(Duration.ofSeconds(10)).run(dir);
    }

    @Test
    void aBackendIsTakenOutBroughtBackAndTakenOutAgainByItsKeepalives() {
        await("the absent backend marked down").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(flakyEvents()).hasSize(3));
        // Initial state, then the first failure (trying), then the third in a row (inactive). (The very first
        // probe leaves before the destination's own socket is up, so it fails by timeout, not by ICMP: the time
        // between the events is checked on the second stop, where every failure is an ICMP error.)
        Sipp.Result before = call();
        assertThat(before.failed()).as("%s\n%s", before, proxy.describe()).isZero();
        assertThat(healthy.callIds(before, "INVITE")).hasSize(1);

        try (Sipp.Backend flaky = Sipp.backend(dir, "flaky", IPV4, UDP, flakyPort, E2e.BACKEND_LIFETIME)) {
            await("the backend brought back").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(flakyEvents()).hasSize(4));
            List<SipMessage> keepalives = flaky.requests(m -> "OPTIONS".equals(m.method()));
            assertThat(keepalives).as("keepalives at the backend").hasSizeGreaterThanOrEqualTo(2);
            // Back at the second answered keepalive: one interval after the first one it answered.
            assertApart(keepalives.get(0).received(), eventTime(3), 500, "first answer to up");
            Sipp.Result back = call();
            assertThat(back.failed()).as("%s\n%s", back, proxy.describe()).isZero();
            assertThat(flaky.callIds(back, "INVITE")).as("the call goes to the preferred backend again").hasSize(1);
        }
        await("the stopped backend marked down again").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(flakyEvents()).hasSize(6));
        assertApart(eventTime(4), eventTime(5), 1000, "first failure to down again");
        Sipp.Result after = call();
        assertThat(after.failed()).as("%s\n%s", after, proxy.describe()).isZero();
        assertThat(healthy.callIds(after, "INVITE")).hasSize(1);
        await("the events at the receiver").atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(flakyEvents()).containsExactly(
                "null -> AX dispatcher:dst-up",
                "AX -> TP dispatcher:dst-up",
                "TP -> IP dispatcher:dst-down",
                "IP -> AP dispatcher:dst-up",
                "AP -> TP dispatcher:dst-up",
                "TP -> IP dispatcher:dst-down"));
        assertThat(proxy.log()).contains("sip:127.0.0.1:" + flakyPort + " of set 1: TP -> IP");
        assertThat(EVENTS).filteredOn(e -> "initial".equals(e.get("reason"))).hasSize(2);
        assertThat(proxy.isAlive()).isTrue();
    }
}
