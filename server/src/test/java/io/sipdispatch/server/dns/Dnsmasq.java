package io.sipdispatch.server.dns;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.SimpleResolver;

/**
 * A private DNS server for the tests: Debian's dnsmasq on a free loopback port, authoritative for
 * {@code .test}, with the SRV and NAPTR records given at start and the address records of a hosts file it
 * watches (so that a test can change them), TTL 1 s. Stopped by {@link #close()} (or {@link #stop()}, to see
 * an outage).
 */
public final class Dnsmasq implements AutoCloseable {
    private final Path dir;
    private final Process process;
    public final int port;

    private Dnsmasq(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts it with {@code hosts} (lines of {@code address name}) and {@code records} (dnsmasq options such as
     * {@code --srv-host=…} and {@code --naptr-record=…}); returns once it answers.
     */
    public static Dnsmasq start(Path dir, String hosts, String... records) throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir.resolve("hosts.d"));
        List<String> cmd = new ArrayList<>(List.of("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
            "--user=root", "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv",
            "--no-hosts", "--hostsdir=" + dir.resolve("hosts.d"), "--local-ttl=1",
            "--pid-file=" + dir.resolve("dnsmasq.pid"),
            "--local=/test/")); // authoritative for .test: a missing record is "none", not refused
        cmd.addAll(List.of(records));
        Dnsmasq d = new Dnsmasq(dir, null, port);
        d.hosts(hosts);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(dir.resolve("dnsmasq.log").toFile()).start();
        Dnsmasq started = new Dnsmasq(dir, p, port);
        SipResolver r = started.resolver();
        String first = hosts.strip().split("\\s+")[1];
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
            .until(() -> !r.resolve(first, null, 5060, false).targets().isEmpty());
        return started;
    }

    /** Replaces the address records; dnsmasq sees the file change by itself. */
    public void hosts(String text) throws IOException {
        Path tmp = dir.resolve("hosts.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, dir.resolve("hosts.d").resolve("hosts"), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
    }

    /** A resolver asking this server. */
    public SipResolver resolver() throws IOException {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTimeout(Duration.ofMillis(500));
        return new SipResolver(r);
    }

    /** Stops it: an outage. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
