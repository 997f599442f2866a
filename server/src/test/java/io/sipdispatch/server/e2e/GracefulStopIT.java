package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM stops sipdispatch gracefully: a call under way (its backend answers after two seconds) still gets
 * its 200, a new call is answered 503 with the configured Retry-After meanwhile, and the process exits once
 * nothing is left under way, well before the grace time.
 */
class GracefulStopIT {
    @TempDir
    Path dir;

    @Test
    void underWayCallsFinishNewOnesAre503WithRetryAfterAndTheProcessExits() throws Exception {
        Sipp.Backend slow = Sipp.backend(dir, "slow", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME,
            "uas_slow.xml");
        int port = FreePorts.udpAndTcp();
        SipdispatchProcess proxy = SipdispatchProcess.start(dir.resolve("sipdispatch"), E2e.listenEverywhere(port) + """
            stop: { grace: 20s, retry_after: 42s }
            dispatcher: { list_file: dispatcher.list }
            routes:
              - dispatch: { set: 1 }
            """, E2e.listLine(1, slow, 0, "duid=slow"));
        try (RawSip.Udp first = new RawSip.Udp(IPV4); RawSip.Udp second = new RawSip.Udp(IPV4)) {
            String callId = RawSip.unique("underway") + "@127.0.0.1";
            CompletableFuture<Optional<SipMessage>> underWay = CompletableFuture.supplyAsync(() -> {
                try {
                    return first.exchange(RawSip.Request.of("INVITE", "sip:slow@127.0.0.1:" + port, UDP,
                        first.sentBy(), callId), port, Duration.ofSeconds(15));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() ->
                slow.received().stream().anyMatch(m -> callId.equals(m.callId())));
            long t0 = System.nanoTime();
            proxy.terminate();
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.log().contains("stopping: new requests"));
            Optional<SipMessage> refused = second.exchange(RawSip.Request.of("INVITE", "sip:late@127.0.0.1:" + port,
                UDP, second.sentBy(), RawSip.unique("late") + "@127.0.0.1"), port, Duration.ofSeconds(5));
            assertThat(refused).as("the new call's answer\n%s", proxy.describe()).isPresent();
            assertThat(refused.get().startLine()).isEqualTo("SIP/2.0 503 Service Unavailable");
            assertThat(refused.get().header("Retry-After")).isEqualTo("42");

            Optional<SipMessage> answered = underWay.get(15, TimeUnit.SECONDS);
            assertThat(answered).as("the call under way").isPresent();
            assertThat(answered.get().startLine()).isEqualTo("SIP/2.0 200 OK");
            assertThat(proxy.awaitExit(Duration.ofSeconds(15))).as("exited\n%s", proxy.describe()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("well before the 20 s grace")
                .isLessThan(Duration.ofSeconds(12));
            assertThat(proxy.log()).contains("stopping: 0 transaction(s) still without a final answer");
        } finally {
            proxy.close();
            slow.close();
        }
    }
}
