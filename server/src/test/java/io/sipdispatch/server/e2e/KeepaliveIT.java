package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keepalive probing with a backend that is not there at first, then starts, then stops: probing takes it
 * out, brings it back once it answers, and takes it out again, while every call completes on whichever
 * backend is up.
 */
class KeepaliveIT {
    @TempDir
    static Path dir;

    static int port;
    static int flakyPort;
    static SipdispatchProcess proxy;
    static Sipp.Backend healthy;

    @BeforeAll
    static void start() {
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
            """;
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
        assertThat(proxy.isAlive()).isTrue();
    }
}
