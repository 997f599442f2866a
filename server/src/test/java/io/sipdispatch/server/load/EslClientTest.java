package io.sipdispatch.server.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The FreeSWITCH event socket client against a fake box speaking inbound ESL on a real TCP port. */
class EslClientTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration MIN = Duration.ofMillis(20);
    private static final Duration MAX = Duration.ofMillis(200);

    /** What the client told, in order of arrival. */
    static final class Recorder implements EslClient.Listener {
        final AtomicInteger connected = new AtomicInteger();
        final List<Map<String, String>> heartbeats = new CopyOnWriteArrayList<>();
        final List<String> disconnects = new CopyOnWriteArrayList<>();

        @Override
        public void connected() {
            connected.incrementAndGet();
        }

        @Override
        public void heartbeat(Map<String, String> event) {
            heartbeats.add(event);
        }

        @Override
        public void disconnected(String why) {
            disconnects.add(why);
        }
    }

    private final Recorder recorder = new Recorder();
    private EslPeer peer;
    private EslClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (peer != null) {
            peer.close();
        }
        await("no esl- client thread left").atMost(WAIT).until(() -> eslThreads().isEmpty());
    }

    private EslClient start(String url) {
        client = new EslClient(EslUrl.parse(url), recorder, MIN, MAX);
        client.start();
        return client;
    }

    /** Connected, subscribed, and the listener told. */
    private void awaitConnected(int times) {
        peer.awaitSubscribed(WAIT);
        await().atMost(WAIT).until(() -> recorder.connected.get() == times && client.isConnected());
    }

    private static List<Thread> eslThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("esl-") && !t.getName().startsWith("esl-peer") && t.isAlive()).toList();
    }

    @Test
    void urlsWithAndWithoutUserAndPort() {
        EslUrl plain = EslUrl.parse("fs://:ClueCon@10.0.0.21");
        assertThat(plain).isEqualTo(new EslUrl(null, "ClueCon", "10.0.0.21", 8021));
        assertThat(plain.box()).isEqualTo("10.0.0.21:8021");
        EslUrl withUser = EslUrl.parse("fs://esl:secret@fs1.example.net:8022");
        assertThat(withUser).isEqualTo(new EslUrl("esl", "secret", "fs1.example.net", 8022));
        assertThat(withUser.box()).isEqualTo("esl@fs1.example.net:8022");
        EslUrl v6 = EslUrl.parse("fs://:pw@[2001:db8::21]:9021/");
        assertThat(v6).isEqualTo(new EslUrl(null, "pw", "2001:db8::21", 9021));
        assertThat(v6.box()).isEqualTo("[2001:db8::21]:9021");
        assertThat(EslUrl.parse("fs://:pw@[::1]").port()).isEqualTo(8021);
        assertThat(EslUrl.parse("fs://u:p:w@h").password()).isEqualTo("p:w");
    }

    @Test
    void toStringNeverShowsThePassword() {
        assertThat(EslUrl.parse("fs://esl:topsecret@10.0.0.22:8021")).hasToString("fs://esl:***@10.0.0.22:8021");
        assertThat(EslUrl.parse("fs://:topsecret@[::1]")).hasToString("fs://:***@[::1]:8021");
    }

    @Test
    void badUrlsAreRefusedWithTheirReasonAndWithoutThePassword() {
        assertThatThrownBy(() -> EslUrl.parse("http://:topsecret@h")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not an fs:// URL").hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> EslUrl.parse("fs://u:topsecret")).hasMessageContaining("no '@'")
            .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> EslUrl.parse("fs://topsecret@h")).hasMessageContaining("no password")
            .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> EslUrl.parse("fs://:topsecret@")).hasMessageContaining("no host")
            .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> EslUrl.parse("fs://:topsecret@h:0")).hasMessageContaining("port '0'");
        assertThatThrownBy(() -> EslUrl.parse("fs://:topsecret@h:65536")).hasMessageContaining("port '65536'");
        assertThatThrownBy(() -> EslUrl.parse("fs://:topsecret@h:x")).hasMessageContaining("port 'x'")
            .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> EslUrl.parse("fs://:topsecret@[::1")).hasMessageContaining("IPv6")
            .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> EslUrl.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void authenticatesSubscribesAndPassesOnDecodedHeartbeats() throws Exception {
        peer = new EslPeer("ClueCon");
        start("fs://:ClueCon@127.0.0.1:" + peer.port());
        awaitConnected(1);
        assertThat(eslThreads()).extracting(Thread::getName).containsExactly("esl-127.0.0.1:" + peer.port());

        peer.heartbeat(97.533333, 3, 1000);
        await().atMost(WAIT).until(() -> recorder.heartbeats.size() == 1);
        Map<String, String> e = recorder.heartbeats.get(0);
        assertThat(e).containsEntry("Event-Name", "HEARTBEAT").containsEntry("Idle-CPU", "97.533333")
            .containsEntry("Session-Count", "3").containsEntry("Max-Sessions", "1000")
            .containsEntry("Event-Info", "System Ready").containsEntry("FreeSWITCH-IPv6", "::1")
            .containsEntry("FreeSWITCH-Version", "1.10.11-release+git~20231222T180837Z~4f4a8c1bb2~64bit")
            .containsKeys("Core-UUID", "Event-Date-Timestamp", "Session-Per-Sec");
        assertThat(e.get("Event-Date-Local")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
        assertThat(recorder.disconnects).isEmpty();
        assertThat(peer.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void aUserAuthenticatesWithUserauth() throws Exception {
        peer = new EslPeer("esl", "secret");
        start("fs://esl:secret@127.0.0.1:" + peer.port());
        awaitConnected(1);
        peer.heartbeat(50, 10, 100);
        await().atMost(WAIT).until(() -> recorder.heartbeats.size() == 1);
        assertThat(recorder.heartbeats.get(0)).containsEntry("Idle-CPU", "50.000000");
    }

    @Test
    void aWrongPasswordIsReportedAndRetriedButNeverConnects() throws Exception {
        peer = new EslPeer("right");
        start("fs://:wrong@127.0.0.1:" + peer.port());
        await().atMost(WAIT).until(() -> peer.connectionsAccepted() >= 3 && recorder.disconnects.size() >= 2);
        assertThat(recorder.disconnects).first().isEqualTo("authentication refused");
        assertThat(recorder.connected).hasValue(0);
        assertThat(client.isConnected()).isFalse();
    }

    @Test
    void plainAuthIsRefusedByABoxThatWantsAUser() throws Exception {
        peer = new EslPeer("esl", "secret");
        start("fs://:secret@127.0.0.1:" + peer.port());
        await().atMost(WAIT).until(() -> recorder.disconnects.size() >= 2);
        assertThat(recorder.disconnects).containsOnly("authentication refused");
        assertThat(recorder.connected).hasValue(0);
    }

    @Test
    void aDroppedConnectionIsReconnectedAndHeartbeatsFlowAgain() throws Exception {
        peer = new EslPeer("ClueCon");
        start("fs://:ClueCon@127.0.0.1:" + peer.port());
        awaitConnected(1);
        peer.heartbeat(90, 1, 100);
        await().atMost(WAIT).until(() -> recorder.heartbeats.size() == 1);

        peer.dropConnections();
        await().atMost(WAIT).until(() -> recorder.disconnects.size() == 1);
        awaitConnected(2);
        peer.heartbeat(80, 2, 100);
        await().atMost(WAIT).until(() -> recorder.heartbeats.size() == 2);
        assertThat(recorder.heartbeats.get(1)).containsEntry("Idle-CPU", "80.000000").containsEntry("Session-Count", "2");
        assertThat(peer.connectionsAccepted()).isEqualTo(2);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
            Arguments.of("Content-Length: abc\nContent-Type: text/event-plain\n\n", "bad Content-Length 'abc'"),
            Arguments.of("Content-Length: -5\nContent-Type: text/event-plain\n\n", "bad Content-Length '-5'"),
            Arguments.of("Content-Length: 2000000\nContent-Type: text/event-plain\n\n", "over 1 MiB"),
            Arguments.of("Content-Type: log/data\nX-Filler: " + "a".repeat(70_000) + "\n\n", "over 64 KiB"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void aMalformedMessageEndsTheConnectionAndTheClientReconnects(String message, String reason) throws Exception {
        peer = new EslPeer("ClueCon");
        start("fs://:ClueCon@127.0.0.1:" + peer.port());
        awaitConnected(1);

        peer.sendRaw(message);
        await().atMost(WAIT).until(() -> recorder.disconnects.size() == 1);
        assertThat(recorder.disconnects.get(0)).contains(reason);
        awaitConnected(2);
        peer.heartbeat(70, 5, 100);
        await().atMost(WAIT).until(() -> recorder.heartbeats.size() == 1);
        assertThat(peer.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void messagesItDoesNotUseAreSkippedBodiesAndAll() throws Exception {
        peer = new EslPeer("ClueCon");
        start("fs://:ClueCon@127.0.0.1:" + peer.port());
        awaitConnected(1);

        // bodies that look like messages: read as headers, they would be taken for a heartbeat
        String fake = "Content-Length: 0\nContent-Type: text/event-plain\n\nEvent-Name: HEARTBEAT\n\n";
        String notHeartbeat = "Event-Name: CUSTOM\nEvent-Subclass: sofia%3A%3Aregister\n\n";
        peer.sendRaw("Content-Type: api/response\nContent-Length: " + fake.length() + "\n\n" + fake);
        peer.sendRaw("Content-Type: log/data\nContent-Length: 5\nLog-Level: 7\n\nhello");
        peer.sendRaw("Content-Length: " + notHeartbeat.length() + "\nContent-Type: text/event-plain\n\n" + notHeartbeat);
        peer.sendRaw("Content-Type: text/disconnect-notice\nContent-Length: " + fake.length() + "\n\n" + fake);
        peer.heartbeat(60, 4, 100);
        await().atMost(WAIT).until(() -> recorder.heartbeats.size() == 1);
        assertThat(recorder.heartbeats.get(0)).containsEntry("Idle-CPU", "60.000000");
        assertThat(recorder.disconnects).isEmpty();
        assertThat(client.isConnected()).isTrue();
    }

    @Test
    void closeStopsTheThreadPromptlyWhenConnected() throws Exception {
        peer = new EslPeer("ClueCon");
        start("fs://:ClueCon@127.0.0.1:" + peer.port());
        awaitConnected(1);
        client.close();
        await().atMost(Duration.ofSeconds(1)).until(() -> eslThreads().isEmpty());
        assertThat(client.isConnected()).isFalse();
        assertThat(recorder.disconnects).isEmpty();
        client.close(); // idempotent
    }

    @Test
    void closeStopsTheThreadPromptlyWhileTheBoxIsSilent() throws Exception {
        // accepts and never says auth/request: the client waits in its handshake read, for 10 s if let be
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            silent.setSoTimeout((int) WAIT.toMillis());
            start("fs://:ClueCon@127.0.0.1:" + silent.getLocalPort());
            try (Socket accepted = silent.accept()) {
                client.close();
                await().atMost(Duration.ofSeconds(1)).until(() -> eslThreads().isEmpty());
                assertThat(recorder.disconnects).isEmpty();
            }
        }
    }

    @Test
    void closeStopsTheThreadPromptlyDuringItsBackoff() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // nobody listens there once closed: connection refused
        }
        client = new EslClient(EslUrl.parse("fs://:ClueCon@127.0.0.1:" + port), recorder, Duration.ofMinutes(1),
            Duration.ofMinutes(5));
        client.start();
        await().atMost(WAIT).until(() -> recorder.disconnects.size() == 1);
        client.close();
        await().atMost(Duration.ofSeconds(1)).until(() -> eslThreads().isEmpty());
        assertThat(recorder.disconnects).hasSize(1);
    }
}
