package io.sipdispatch.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract outside load harnesses rely on: {@code bench/proxy.sh stateless}, started from another
 * folder, binds udp and tcp 127.0.0.1:5060 within 10 s, dispatches to set 1 = 127.0.0.1:5071… as outbound
 * proxy with Record-Route, keeps its files under {@code RUN_DIR}, and exits within 5 s of SIGTERM.
 */
class BenchProxyScriptIT {
    static final Path SCRIPT = Path.of("..", "bench", "proxy.sh").toAbsolutePath().normalize();

    @Test
    void proxyShKeepsItsContract(@TempDir Path runDir, @TempDir Path elsewhere) throws Exception {
        assertThat(SCRIPT).isExecutable();
        ProcessBuilder pb = new ProcessBuilder("timeout", "-k", "5", "120", SCRIPT.toString(), "stateless")
            .directory(elsewhere.toFile())
            .redirectErrorStream(true)
            .redirectOutput(runDir.resolve("proxy.log").toFile());
        pb.environment().put("RUN_DIR", runDir.toString());
        pb.environment().put("N", "2");
        pb.environment().remove("JAVA_OPTS");
        // The backend of set 1: a plain socket on 5071 that records what reaches it.
        try (DatagramSocket backend = new DatagramSocket(new InetSocketAddress("127.0.0.1", 5071))) {
            backend.setSoTimeout(5000);
            long t0 = System.nanoTime();
            Process p = pb.start();
            try {
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(runDir.resolve("proxy.log")).contains("sipdispatch ready"));
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
                String log = Files.readString(runDir.resolve("proxy.log"));
                assertThat(log).contains("udp:127.0.0.1:5060").contains("tcp:127.0.0.1:5060");
                try (Socket tcp = new Socket(InetAddress.getByName("127.0.0.1"), 5060)) {
                    assertThat(tcp.isConnected()).isTrue();
                }
                try (DatagramSocket uac = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                    // Round-robin over two destinations: the first of two INVITEs reaches 5071.
                    for (int i = 0; i < 2; i++) {
                        String inv = "INVITE sip:bob@127.0.0.1:5099 SIP/2.0\r\n"
                            + "Via: SIP/2.0/UDP 127.0.0.1:" + uac.getLocalPort() + ";branch=z9hG4bK-ps" + i + "\r\n"
                            + "Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:bob@127.0.0.1>\r\n"
                            + "Call-ID: ps-" + i + "@x\r\nCSeq: 1 INVITE\r\nContact: <sip:a@127.0.0.1>\r\n"
                            + "Content-Length: 0\r\n\r\n";
                        byte[] b = inv.getBytes(StandardCharsets.UTF_8);
                        uac.send(new DatagramPacket(b, b.length, InetAddress.getByName("127.0.0.1"), 5060));
                    }
                    DatagramPacket got = new DatagramPacket(new byte[4000], 4000);
                    backend.receive(got);
                    String fwd = new String(got.getData(), 0, got.getLength(), StandardCharsets.UTF_8);
                    assertThat(fwd).startsWith("INVITE sip:bob@127.0.0.1:5099 SIP/2.0\r\n"); // R-URI as it was
                    assertThat(fwd).contains("Record-Route: <sip:127.0.0.1:5060;lr>")
                        .contains("Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKsd");
                }
                assertThat(runDir.resolve("sipdispatch-stateless/dispatcher.list")).content()
                    .contains("1 sip:127.0.0.1:5071").contains("1 sip:127.0.0.1:5072").doesNotContain("5073");
                assertThat(elsewhere.toFile().list()).isEmpty();
            } finally {
                p.destroy(); // SIGTERM
                long t1 = System.nanoTime();
                boolean exited = p.waitFor(10, TimeUnit.SECONDS);
                if (!exited) {
                    p.destroyForcibly();
                }
                assertThat(exited).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofSeconds(5));
            }
        }
    }

}
