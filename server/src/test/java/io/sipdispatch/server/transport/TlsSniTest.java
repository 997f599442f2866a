package io.sipdispatch.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.server.config.ListenAddress;
import io.sipdispatch.server.config.TcpSettings;
import io.sipdispatch.server.config.TlsSettings;
import io.sipdispatch.server.config.UdpSettings;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS connection to a destination given by name sends the name as SNI and checks the destination's
 * certificate against it: the address the DNS cache hands out carries the name it was resolved from.
 */
class TlsSniTest {
    @TempDir
    Path dir;

    void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", cmd, out).isZero();
    }

    @Test
    void aNamedDestinationGetsItsNameAsSniAndItsCertificateIsCheckedAgainstIt() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
            "-subj", "/CN=test CA");
        for (String name : List.of("backend", "proxy")) {
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj",
                "/CN=" + name);
            Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=DNS:" + name + ".test\n");
            openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", "7",
                "-days", "2", "-extfile", name + ".ext", "-out", name + ".crt");
            openssl("pkcs8", "-topk8", "-nocrypt", "-in", name + ".key", "-out", name + ".pk8");
        }
        openssl("pkcs12", "-export", "-in", "backend.crt", "-inkey", "backend.key", "-out", "backend.p12",
            "-passout", "pass:test");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("backend.p12"))) {
            ks.load(in, "test".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "test".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);

        try (SSLServerSocket backend = (SSLServerSocket) ctx.getServerSocketFactory()
            .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> sni = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) backend.accept()) {
                    s.setSoTimeout(10_000);
                    s.startHandshake();
                    List<String> names = new ArrayList<>();
                    ((ExtendedSSLSession) s.getSession()).getRequestedServerNames()
                        .forEach(n -> names.add(((SNIHostName) n).getAsciiName()));
                    s.getInputStream().read(); // the request arrives: the proxy's side accepted this certificate
                    return names;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Listener tls = new Listener(ListenAddress.parse("tls:127.0.0.1:5061") /* never bound: it only connects out */, 0);
            TlsContexts contexts = new TlsContexts(new TlsSettings("proxy.crt", "proxy.pk8", "ca.crt", false, true,
                Duration.ZERO), dir);
            NettyTransport t = new NettyTransport(List.of(tls), (b, off, len, in, src, conn) -> { },
                TcpSettings.DEFAULT, new UdpSettings(null, null, 1), contexts);
            try {
                InetSocketAddress named = new InetSocketAddress(InetAddress.getByAddress("backend.test",
                    new byte[] {127, 0, 0, 1}), backend.getLocalPort());
                assertThat(NettyTransport.peerName(named)).isEqualTo("backend.test");
                assertThat(NettyTransport.peerName(new InetSocketAddress("127.0.0.1", 5061))).isEqualTo("127.0.0.1");
                t.sendRequest(tls, named, "OPTIONS sip:x@backend.test SIP/2.0\r\n\r\n".getBytes(StandardCharsets.UTF_8),
                    null);
                assertThat(sni.get(15, TimeUnit.SECONDS)).containsExactly("backend.test");
            } finally {
                t.close(1);
                contexts.close();
            }
        }
    }
}
