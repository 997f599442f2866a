package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.server.SipdispatchServer;
import io.sipdispatch.server.proxy.ProxyCounters;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Abuse while a legitimate SIPp caller makes its calls: a flood of garbage datagrams, a source far over its
 * request rate (pike), a scanner, stray responses, thousands of idle and half-sent TCP connections, and
 * oversize messages. Each is bounded by its named limit and counted, and every one of the
 * caller's calls completes. The abusers send from 127.0.0.2–4, the caller from 127.0.0.1.
 */
class AbuseIT {
    @TempDir
    static Path dir;

    static Sipp.Backend backend;
    static SipdispatchServer server;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        backend = Sipp.backend(dir, "gw", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        port = FreePorts.udpAndTcp();
        Files.writeString(dir.resolve("dispatcher.list"), E2e.listLine(1, backend, 0, "duid=gw"));
        Files.writeString(dir.resolve("sipdispatch.yaml"), E2e.listenEverywhere(port) + """
            limits: { per_source: { requests: 100, window: 1s, block_for: 10s } }
            tcp: { max_connections: 1000, idle_timeout: 3s }
            dispatcher: { list_file: dispatcher.list }
            routes:
              - dispatch: { set: 1 }
            """);
        server = SipdispatchServer.prepare(dir.resolve("sipdispatch.yaml")).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    /** Sends {@code count} datagrams from {@code from}, about {@code perSecond} a second. */
    static CompletableFuture<Void> flood(String from, int count, int perSecond, java.util.function.IntFunction<String> what) {
        return CompletableFuture.runAsync(() -> {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(from, 0))) {
                InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
                long gap = TimeUnit.SECONDS.toNanos(1) / perSecond;
                long next = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    byte[] b = what.apply(i).getBytes(StandardCharsets.UTF_8);
                    s.send(new DatagramPacket(b, b.length, to));
                    next += gap;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait); // pacing the flood, not waiting for anything
                    }
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static String options(String from, int i, String userAgent) {
        return "OPTIONS sip:x@127.0.0.1:" + port + " SIP/2.0\r\nVia: SIP/2.0/UDP " + from + ":5060;branch=z9hG4bKab" + i
            + "\r\nFrom: <sip:a@" + from + ">;tag=" + i + "\r\nTo: <sip:x@127.0.0.1>\r\nCall-ID: abuse-" + from + "-" + i
            + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n" + (userAgent == null ? "" : "User-Agent: " + userAgent + "\r\n")
            + "Content-Length: 0\r\n\r\n";
    }

    @Test
    void everyCallCompletesDuringThousandsOfIdleAndHalfSentConnectionsAndOversizeMessages() throws Exception {
        var t = server.transport().counters();
        long refusedBefore = t.tcpRefused.sum();
        long idleBefore = t.tcpIdleClosed.sum();
        long tooLargeBefore = server.proxy().counters().rejections().getOrDefault("header_line_too_long", 0L);
        java.util.List<java.net.Socket> held = new java.util.ArrayList<>();
        try {
            // 1,500 connections from 127.0.0.5, over the 1,000 allowed; 50 of them start a message never finished.
            for (int i = 0; i < 1500; i++) {
                java.net.Socket sock = new java.net.Socket();
                sock.bind(new InetSocketAddress("127.0.0.5", 0));
                sock.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
                held.add(sock);
                if (i < 50) {
                    sock.getOutputStream().write(("INVITE sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.5;branch=z9hG4bK"
                        + i + "\r\nContent-Length: 0\r\nX-Never: ").getBytes(StandardCharsets.UTF_8));
                }
            }
            // Oversize datagrams from 127.0.0.6: a 60,000-byte header.
            CompletableFuture<Void> oversize = flood("127.0.0.6", 50, 50, i -> options("127.0.0.6", 10_000 + i,
                "x".repeat(60_000)));
            Sipp.Result calls = Sipp.uac("uac_call.xml").target(IPV4, port).transport(UDP).service("legit-tcp-abuse")
                .calls(20).rate(10).timeout(Duration.ofSeconds(30)).run(dir);
            oversize.get(30, TimeUnit.SECONDS);
            calls.assertAllSucceeded();
            assertThat(backend.callIds(calls, "INVITE")).hasSize(20);
            assertThat(t.tcpRefused.sum() - refusedBefore).as("connections over max_connections, refused")
                .isGreaterThanOrEqualTo(400);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(t.tcpIdleClosed.sum() - idleBefore).as("idle and half-sent connections, closed after 3 s")
                    .isGreaterThanOrEqualTo(900));
            assertThat(server.proxy().counters().rejections().getOrDefault("header_line_too_long", 0L) - tooLargeBefore)
                .as("oversize messages refused").isPositive();
        } finally {
            for (java.net.Socket sock : held) {
                sock.close();
            }
        }
    }

    @Test
    void everyCallOfALegitimateCallerCompletesDuringGarbageAFloodingSourceAndAScanner() throws Exception {
        ProxyCounters c = server.proxy().counters();
        long rejectedBefore = c.rejections().values().stream().mapToLong(Long::longValue).sum()
            + c.droppedCount(ProxyCounters.Drop.UNPARSEABLE);
        CompletableFuture<Void> garbage = flood("127.0.0.2", 6000, 2000,
            i -> i % 2 == 0 ? "\u0000\u0001garbage " + i : "INVITE sip:x SIP/2.0\r\nVia: broken\r\n\r\n");
        CompletableFuture<Void> flooder = flood("127.0.0.3", 6000, 2000, i -> options("127.0.0.3", i, null));
        CompletableFuture<Void> scanner = flood("127.0.0.4", 150, 50, i -> options("127.0.0.4", i, "friendly-scanner"));
        long strayBefore = c.droppedCount(ProxyCounters.Drop.RESPONSE_NOT_OURS);
        // Responses matching no transaction of ours: never rate-limited (responses are not), each parsed and dropped.
        CompletableFuture<Void> stray = flood("127.0.0.7", 2000, 1000, i -> "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP "
            + "192.0.2.1:5060;branch=z9hG4bKstray" + i + "\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\n"
            + "Call-ID: stray-" + i + "\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
        Sipp.Result calls = Sipp.uac("uac_call.xml").target(IPV4, port).transport(UDP).service("legit").calls(30)
            .rate(10).timeout(Duration.ofSeconds(30)).run(dir);
        CompletableFuture.allOf(garbage, flooder, scanner, stray).get(30, TimeUnit.SECONDS);

        calls.assertAllSucceeded();
        assertThat(backend.callIds(calls, "INVITE")).hasSize(30);
        long rejected = c.rejections().values().stream().mapToLong(Long::longValue).sum()
            + c.droppedCount(ProxyCounters.Drop.UNPARSEABLE) - rejectedBefore;
        // Garbage is a source over its rate too: its first second's worth is parsed and refused, the rest
        // dropped unparsed, like the flooding source's.
        assertThat(rejected).as("garbage refused, counted").isBetween(100L, 400L);
        assertThat(c.droppedCount(ProxyCounters.Drop.RATE_LIMITED)).as("both flooding sources, over 100/s")
            .isGreaterThan(10_000);
        assertThat(c.droppedCount(ProxyCounters.Drop.SCANNER)).as("the scanner, under the rate").isEqualTo(150);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(c.droppedCount(ProxyCounters.Drop.RESPONSE_NOT_OURS) - strayBefore).as("stray responses")
                .isEqualTo(2000));
    }
}
