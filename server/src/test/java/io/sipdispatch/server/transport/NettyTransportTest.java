package io.sipdispatch.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipdispatch.server.config.ListenAddress;
import io.sipdispatch.server.config.TcpSettings;
import io.sipdispatch.server.config.UdpSettings;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sockets on loopback: framing, keepalives, connection reuse, limits and idle closing. */
class NettyTransportTest {
    record Received(String text, InetSocketAddress source, Object connection) {
    }

    static final String MSG = "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK1\r\n"
        + "Call-ID: x\r\nCSeq: 1 OPTIONS\r\nFrom: <sip:b@x>;tag=1\r\nTo: <sip:a@x>\r\nMax-Forwards: 70\r\n"
        + "Content-Length: 0\r\n\r\n";

    final List<Received> received = new CopyOnWriteArrayList<>();
    NettyTransport transport;
    Listener udp;
    Listener tcp;

    final List<InetSocketAddress> unreachable = new CopyOnWriteArrayList<>();

    NettyTransport start(TcpSettings tcpSettings, int port) throws Exception {
        udp = new Listener(ListenAddress.parse("udp:127.0.0.1:" + port), 0);
        tcp = new Listener(ListenAddress.parse("tcp:127.0.0.1:" + port), 1);
        MessageSink sink = new MessageSink() {
            @Override
            public void onMessage(byte[] b, int off, int len, Listener in, InetSocketAddress src, Object conn) {
                received.add(new Received(new String(b, off, len, StandardCharsets.UTF_8), src, conn));
            }

            @Override
            public void unreachable(Listener via, InetSocketAddress peer) {
                unreachable.add(peer);
            }
        };
        transport = new NettyTransport(List.of(udp, tcp), sink, tcpSettings, new UdpSettings(null, null, 2));
        transport.start();
        return transport;
    }

    static int freePort() throws Exception {
        for (int i = 0; i < 50; i++) {
            int p;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                p = s.getLocalPort();
            }
            try (DatagramSocket d = new DatagramSocket(p, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (Exception e) {
                // taken for UDP: try another
            }
        }
        throw new IllegalStateException("no free port");
    }

    @AfterEach
    void stop() {
        if (transport != null) {
            transport.close(1);
        }
    }

    @Test
    void aDatagramIsDeliveredWithItsSourceAndAnAnswerGoesBackToIt() throws Exception {
        int port = freePort();
        start(TcpSettings.DEFAULT, port);
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(5000);
            byte[] b = MSG.getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
            Received r = received.get(0);
            assertThat(r.text()).isEqualTo(MSG);
            assertThat(r.source().getPort()).isEqualTo(s.getLocalPort());
            assertThat(r.connection()).isNull();
            transport.send(udp, r.source(), "pong".getBytes(StandardCharsets.UTF_8), null);
            DatagramPacket p = new DatagramPacket(new byte[100], 100);
            s.receive(p);
            assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8)).isEqualTo("pong");
        }
    }

    @Test
    void aLargeDatagramIsReadWhole() throws Exception {
        int port = freePort();
        start(TcpSettings.DEFAULT, port);
        String big = MSG.replace("Content-Length: 0\r\n\r\n", "X-Pad: " + "p".repeat(6000) + "\r\nContent-Length: 0\r\n\r\n");
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] b = big.getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
            assertThat(received.get(0).text()).hasSize(big.length());
        }
    }

    @Test
    void everyEventLoopReadsItsOwnUdpSocketOnTheSamePort() throws Exception {
        int port = freePort();
        NettyTransport t = start(TcpSettings.DEFAULT, port);
        assertThat(t.udpSocketCount(udp)).isEqualTo(t.nativeEpoll() ? 2 : 1);
    }

    @Test
    void anIcmpUnreachableIsHeardWhenOnlyALoopOtherThanTheDestinationsHomeLoopSends() throws Exception {
        NettyTransport t = start(TcpSettings.DEFAULT, freePort());
        assertThat(t.nativeEpoll()).as("native epoll, which connected UDP sockets need").isTrue();
        InetSocketAddress closed = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
        int other = (t.homeLoop(closed) + 1) % t.count();
        byte[] b = MSG.getBytes(StandardCharsets.UTF_8);
        // Requests leave only from the other loop, as when every caller's datagrams are read there. The first
        // may go before the home loop's socket is connected; a later one (a retransmission) is heard.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
            t.execute(other, () -> t.sendRequest(udp, closed, b, null));
            return unreachable.contains(closed);
        });
    }

    @Test
    void tcpMessagesAreFramedAndACrlfPingGetsAPong() throws Exception {
        int port = freePort();
        start(TcpSettings.DEFAULT, port);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            // two messages in one write, then a keepalive ping
            out.write((MSG + MSG + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            assertThat(in.read()).isEqualTo((int) '\r');
            assertThat(in.read()).isEqualTo((int) '\n');
            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
            assertThat(received).allMatch(r -> r.text().equals(MSG) && r.connection() != null);
            // an answer on the connection the request came on (RFC 3261 §18.2.2)
            transport.send(tcp, received.get(0).source(), "SIP/2.0 200 OK\r\n\r\n".getBytes(StandardCharsets.UTF_8),
                received.get(0).connection());
            byte[] buf = new byte[18];
            int n = 0;
            while (n < buf.length) {
                n += in.read(buf, n, buf.length - n);
            }
            assertThat(new String(buf, StandardCharsets.UTF_8)).isEqualTo("SIP/2.0 200 OK\r\n\r\n");
        }
    }

    @Test
    void anUnframeableStreamIsClosed() throws Exception {
        int port = freePort();
        start(TcpSettings.DEFAULT, port);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(MSG.replace("Content-Length: 0", "Content-Length: -5").getBytes(StandardCharsets.UTF_8));
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(transport.counters().tcpFramingErrors.sum()).isEqualTo(1);
        }
    }

    @Test
    void connectionsBeyondTheCapAreRefused() throws Exception {
        int port = freePort();
        start(new TcpSettings(null, 1, null), port);
        try (Socket first = new Socket(InetAddress.getLoopbackAddress(), port)) {
            first.getOutputStream().write(MSG.getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
            try (Socket second = new Socket(InetAddress.getLoopbackAddress(), port)) {
                second.setSoTimeout(5000);
                assertThat(second.getInputStream().read()).isEqualTo(-1);
                assertThat(transport.counters().tcpRefused.sum()).isEqualTo(1);
            }
            first.getOutputStream().write(MSG.getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
        }
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        int port = freePort();
        start(new TcpSettings(Duration.ofMillis(300), null, null), port);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(transport.counters().tcpIdleClosed.sum()).isEqualTo(1);
        }
    }

    @Test
    void requestsToATcpDestinationReuseOneConnection() throws Exception {
        int port = freePort();
        start(TcpSettings.DEFAULT, port);
        AtomicInteger accepted = new AtomicInteger();
        try (ServerSocket backend = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), backend.getLocalPort());
            transport.send(tcp, to, MSG.getBytes(StandardCharsets.UTF_8), null);
            transport.send(tcp, to, MSG.getBytes(StandardCharsets.UTF_8), null);
            backend.setSoTimeout(5000);
            try (Socket c = backend.accept()) {
                accepted.incrementAndGet();
                c.setSoTimeout(5000);
                byte[] want = (MSG + MSG).getBytes(StandardCharsets.UTF_8);
                byte[] got = new byte[want.length];
                int n = 0;
                while (n < got.length) {
                    n += c.getInputStream().read(got, n, got.length - n);
                }
                assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo(MSG + MSG);
                transport.send(tcp, to, MSG.getBytes(StandardCharsets.UTF_8), null);
                n = c.getInputStream().read(got, 0, MSG.length());
                assertThat(n).isPositive();
                // the connection the proxy opened also carries what the backend sends back
                c.getOutputStream().write(MSG.getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
                assertThat(received.get(0).source()).isEqualTo(to);
            }
            assertThat(accepted.get()).isEqualTo(1);
            assertThat(transport.counters().tcpOpened.sum()).isEqualTo(1);
        }
    }

    @Test
    void aResponseWhoseConnectionHasClosedGoesOnANewConnectionToTheSentByPort() throws Exception {
        int port = freePort();
        start(TcpSettings.DEFAULT, port);
        try (ServerSocket client = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(5000);
            InetSocketAddress gone = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9); // no connection from there
            InetSocketAddress sentBy = new InetSocketAddress(InetAddress.getLoopbackAddress(), client.getLocalPort());
            transport.sendResponse(tcp, gone, sentBy, "SIP/2.0 200 OK\r\n\r\n".getBytes(StandardCharsets.UTF_8));
            try (Socket c = client.accept()) {
                c.setSoTimeout(5000);
                byte[] got = new byte[18];
                int n = 0;
                while (n < got.length) {
                    n += c.getInputStream().read(got, n, got.length - n);
                }
                assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("SIP/2.0 200 OK\r\n\r\n");
            }
        }
    }
}
