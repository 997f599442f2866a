package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sipdispatch.server.SipdispatchServer;
import io.sipdispatch.server.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS (RFC 3261 §26): a caller written here, over TLS 1.3, calls through sipdispatch to a UDP SIPp backend
 * that answers and then hangs up itself; its BYE finds the caller's TLS connection by the flow token in the
 * Record-Route. Certificates are made by openssl for each run: a CA, the server's (IP 127.0.0.1), a client's.
 * A changed certificate file is served to new connections without a restart; with {@code verify_client} a
 * caller without a certificate is refused.
 */
class TlsIT {
    @TempDir
    static Path dir;

    static Sipp.Backend backend;
    static SipdispatchServer server;
    static int tlsPort;
    static int wssPort;

    static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", cmd, out).isZero();
    }

    /** A key and a certificate for {@code name}, signed by the CA, valid for 127.0.0.1. */
    static void issue(String name, String serial) throws Exception {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj",
            "/CN=" + name);
        Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", serial,
            "-days", "2", "-extfile", name + ".ext", "-out", name + ".crt");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", name + ".key", "-out", name + ".pk8");
    }

    @BeforeAll
    static void start() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
            "-subj", "/CN=sipdispatch test CA");
        issue("server", "1001");
        issue("client", "2001");
        backend = Sipp.backend(dir, "gw", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME, "uas_bye.xml");
        tlsPort = FreePorts.udpAndTcp();
        wssPort = FreePorts.udpAndTcp();
        Files.writeString(dir.resolve("dispatcher.list"), E2e.listLine(1, backend, 0, "duid=gw"));
        Files.writeString(dir.resolve("sipdispatch.yaml"), config(false));
        server = SipdispatchServer.prepare(dir.resolve("sipdispatch.yaml")).start();
    }

    static String config(boolean verifyClient) {
        return E2e.listenEverywhere(FreePorts.udpAndTcp()).replace("listen:\n", "listen:\n  - tls:127.0.0.1:"
            + (verifyClient ? FreePorts.udpAndTcp() : tlsPort) + "\n"
            + (verifyClient ? "" : "  - wss:127.0.0.1:" + wssPort + "\n")) + """
            tls: { certificate: server.crt, private_key: server.pk8, ca: ca.crt, verify_client: VERIFY,
                   reload_check: 200ms }
            dispatcher: { list_file: dispatcher.list }
            routes:
              - match: { method: OPTIONS }
                reply: { code: 480, reason: Here Over TLS }
              - dispatch: { set: 1 }
            """.replace("VERIFY", Boolean.toString(verifyClient));
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

    static SSLContext context(boolean withClientCert) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
            trust.setCertificateEntry("ca", cf.generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withClientCert) {
            openssl("pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key", "-out", "client.p12",
                "-passout", "pass:test");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve("client.p12"))) {
                ks.load(in, "test".toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "test".toCharArray());
        }
        SSLContext c = SSLContext.getInstance("TLSv1.3");
        c.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return c;
    }

    /** A SIP endpoint on one TLS connection: writes messages, reads them framed by Content-Length. */
    static final class TlsPeer implements AutoCloseable {
        final SSLSocket socket;
        final InputStream in;
        final OutputStream out;

        TlsPeer(SSLContext c, int port) throws IOException {
            socket = (SSLSocket) c.getSocketFactory().createSocket("127.0.0.1", port);
            socket.setSoTimeout(15_000);
            socket.startHandshake();
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        String localSentBy() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        void send(String msg) throws IOException {
            out.write(msg.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String read() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (head.size() == 0 && (b == '\r' || b == '\n')) {
                    continue; // keepalive CRLFs between messages
                }
                head.write(b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String h = head.toString(StandardCharsets.UTF_8);
            int len = 0;
            for (String line : h.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:") || line.toLowerCase().startsWith("l:")) {
                    len = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return h + new String(in.readNBytes(len), StandardCharsets.UTF_8);
        }

        X509Certificate serverCertificate() throws Exception {
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static String header(String msg, String name) {
        for (String line : msg.split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    static List<String> headers(String msg, String name) {
        List<String> out = new ArrayList<>();
        for (String line : msg.split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                out.add(line.substring(name.length() + 1).trim());
            }
        }
        return out;
    }

    /** The 200 a UAS answers {@code request} with: its Vias, From, To, Call-ID and CSeq. */
    static String okTo(String request) {
        StringBuilder ok = new StringBuilder("SIP/2.0 200 OK\n");
        for (String v : headers(request, "Via")) {
            ok.append("Via: ").append(v).append('\n');
        }
        return ok.append("From: ").append(header(request, "From")).append("\nTo: ").append(header(request, "To"))
            .append("\nCall-ID: ").append(header(request, "Call-ID")).append("\nCSeq: ").append(header(request, "CSeq"))
            .append("\nContent-Length: 0\n\n").toString();
    }

    @Test
    void aTlsCallerCallsAUdpBackendAndTheBackendsByeFindsItsConnection() throws Exception {
        try (TlsPeer caller = new TlsPeer(context(false), tlsPort)) {
            assertThat(caller.socket.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            String callId = RawSip.unique("tls") + "@127.0.0.1";
            String uri = "sip:callee@127.0.0.1:" + tlsPort + ";transport=tls";
            // The Contact names a port nobody listens on, as a TLS client's does: only the flow reaches it.
            caller.send("INVITE " + uri + " SIP/2.0\n"
                + "Via: SIP/2.0/TLS " + caller.localSentBy() + ";branch=z9hG4bK" + RawSip.unique("b") + ";rport\n"
                + "Max-Forwards: 70\nFrom: <sip:caller@example.invalid>;tag=c1\nTo: <" + uri + ">\n"
                + "Call-ID: " + callId + "\nCSeq: 1 INVITE\n"
                + "Contact: <sip:caller@127.0.0.1:9;transport=tls>\nContent-Length: 0\n\n");
            String fin;
            do {
                fin = caller.read();
            } while (fin.startsWith("SIP/2.0 1"));
            assertThat(fin).startsWith("SIP/2.0 200");
            List<String> rr = new ArrayList<>();
            for (String h : headers(fin, "Record-Route")) {
                for (String part : h.split(",\\s*(?=<)")) {
                    rr.add(part.trim()); // one header line each, or all in one, as the backend wrote them
                }
            }
            // Two entries, the backend's side on top; the caller's side carries the flow token.
            assertThat(rr).hasSize(2);
            assertThat(rr.get(1)).matches("<sip:sdf[A-Za-z0-9_-]+@127\\.0\\.0\\.1:" + tlsPort + ";transport=tls;r2=on;lr>");
            List<String> routeSet = new ArrayList<>(rr);
            java.util.Collections.reverse(routeSet); // a UAC's route set is the Record-Route reversed (§12.1.2)
            String contact = header(fin, "Contact");
            String backendUri = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>'));
            caller.send("ACK " + backendUri + " SIP/2.0\n"
                + "Via: SIP/2.0/TLS " + caller.localSentBy() + ";branch=z9hG4bK" + RawSip.unique("a") + ";rport\n"
                + "Route: " + String.join(", ", routeSet) + "\n"
                + "Max-Forwards: 70\nFrom: <sip:caller@example.invalid>;tag=c1\nTo: " + header(fin, "To") + "\n"
                + "Call-ID: " + callId + "\nCSeq: 1 ACK\nContent-Length: 0\n\n");

            String bye;
            try {
                do {
                    bye = caller.read(); // a retransmitted 200 may come first, sent before our ACK arrived
                } while (bye.startsWith("SIP/2.0 "));
            } catch (IOException e) {
                throw new AssertionError("no BYE from the backend over TLS; the backend:\n" + backend.diagnostics()
                    + "\nreceived: " + backend.received(), e);
            }
            assertThat(bye).startsWith("BYE ").contains("Call-ID: " + callId);
            assertThat(headers(bye, "Via").get(0)).startsWith("SIP/2.0/TLS 127.0.0.1:" + tlsPort + ";");
            caller.send(okTo(bye));
        }
        // The backend's BYE was answered through sipdispatch: its 200 arrived at the backend.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(backend.received())
            .anySatisfy(m -> assertThat(m.startLine()).startsWith("SIP/2.0 200")));
    }

    @Test
    void aSecureWebSocketClientIsAnsweredOverTls() throws Exception {
        java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.WebSocket ws = java.net.http.HttpClient.newBuilder().sslContext(context(false)).build()
            .newWebSocketBuilder().subprotocols("sip").buildAsync(java.net.URI.create("wss://127.0.0.1:" + wssPort
                + "/"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence d,
                                                                          boolean last) {
                        got.add(d.toString());
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        try {
            ws.sendText(("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WSS h.invalid;branch=z9hG4bKwss1\r\n"
                + "From: <sip:a@b>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\nCall-ID: wss1\r\nCSeq: 1 OPTIONS\r\n"
                + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"), true).join();
            String reply = got.poll(10, TimeUnit.SECONDS);
            assertThat(reply).startsWith("SIP/2.0 480 Here Over TLS");
            assertThat(headers(reply, "Via").get(0)).contains("received=127.0.0.1");
        } finally {
            ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").join();
        }
    }

    @Test
    void aChangedCertificateIsServedToNewConnectionsWithoutARestart() throws Exception {
        try (TlsPeer first = new TlsPeer(context(false), tlsPort)) {
            assertThat(first.serverCertificate().getSerialNumber()).isEqualTo(BigInteger.valueOf(1001));
        }
        issue("renewed", "1002");
        Files.copy(dir.resolve("renewed.crt"), dir.resolve("server.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve("renewed.pk8"), dir.resolve("server.pk8"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (TlsPeer next = new TlsPeer(context(false), tlsPort)) {
                assertThat(next.serverCertificate().getSerialNumber()).isEqualTo(BigInteger.valueOf(1002));
            }
        });
    }

    @Test
    void withVerifyClientACallerWithoutACertificateIsRefusedAndOneWithItIsServed() throws Exception {
        Path other = dir.resolve("verify.yaml");
        String yaml = config(true);
        Files.writeString(other, yaml);
        int port = Integer.parseInt(yaml.substring(yaml.indexOf("tls:127.0.0.1:") + 14, yaml.indexOf('\n',
            yaml.indexOf("tls:127.0.0.1:"))));
        SipdispatchServer s = SipdispatchServer.prepare(other).start();
        try {
            assertThatThrownBy(() -> {
                try (TlsPeer anonymous = new TlsPeer(context(false), port)) {
                    anonymous.send("OPTIONS sip:x@127.0.0.1 SIP/2.0\nVia: SIP/2.0/TLS 127.0.0.1:9;branch=z9hG4bK1\n"
                        + "From: <sip:a@b>;tag=1\nTo: <sip:x@127.0.0.1>\nCall-ID: v1\nCSeq: 1 OPTIONS\n"
                        + "Max-Forwards: 70\nContent-Length: 0\n\n");
                    anonymous.read();
                }
            }).isInstanceOf(IOException.class);
            try (TlsPeer known = new TlsPeer(context(true), port)) {
                known.send("OPTIONS sip:x@127.0.0.1 SIP/2.0\nVia: SIP/2.0/TLS " + known.localSentBy()
                    + ";branch=z9hG4bK2\nFrom: <sip:a@b>;tag=1\nTo: <sip:x@127.0.0.1>\nCall-ID: v2\nCSeq: 1 OPTIONS\n"
                    + "Max-Forwards: 70\nContent-Length: 0\n\n");
                assertThat(known.read()).startsWith("SIP/2.0 480 Here Over TLS");
            }
        } finally {
            s.close();
        }
    }

    @Test
    void aCertificateThatDoesNotLoadIsAConfigurationError() throws Exception {
        Files.writeString(dir.resolve("broken.crt"), "not a certificate\n");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, config(false).replace("certificate: server.crt", "certificate: broken.crt"));
        assertThatThrownBy(() -> SipdispatchServer.prepare(bad)).isInstanceOf(ConfigException.class)
            .hasMessageContaining("tls: cannot load").hasMessageContaining("broken.crt");
    }
}
