package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipdispatch.server.SipdispatchServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIP over WebSocket (RFC 7118), as a WebRTC client speaks it: a WebSocket client written here (the JDK's,
 * subprotocol {@code sip}, a {@code .invalid} Via host as browsers write) calls a UDP SIPp backend through
 * sipdispatch; the backend answers and hangs up, and its BYE reaches the client on its WebSocket by the flow
 * token in the Record-Route.
 */
class WebSocketIT {
    @TempDir
    static Path dir;

    static Sipp.Backend backend;
    static SipdispatchServer server;
    static int wsPort;

    @BeforeAll
    static void start() throws Exception {
        backend = Sipp.backend(dir, "gw", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME, "uas_bye.xml");
        wsPort = FreePorts.udpAndTcp();
        Files.writeString(dir.resolve("dispatcher.list"), E2e.listLine(1, backend, 0, "duid=gw"));
        Files.writeString(dir.resolve("sipdispatch.yaml"), E2e.listenEverywhere(FreePorts.udpAndTcp())
            .replace("listen:\n", "listen:\n  - ws:127.0.0.1:" + wsPort + "\n") + """
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

    /** Each WebSocket message received, whole. */
    static final class Received implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder part = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                messages.add(part.toString());
                part.setLength(0);
            }
            ws.request(1);
            return null;
        }

        String next() throws InterruptedException {
            String m = messages.poll(15, TimeUnit.SECONDS);
            assertThat(m).as("a SIP message on the WebSocket").isNotNull();
            return m;
        }
    }

    static String crlf(String s) {
        return s.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    @Test
    void aWebSocketClientCallsAUdpBackendAndTheBackendsByeComesBackOnItsWebSocket() throws Exception {
        Received got = new Received();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("sip")
            .buildAsync(URI.create("ws://127.0.0.1:" + wsPort + "/"), got).get(10, TimeUnit.SECONDS);
        try {
            assertThat(ws.getSubprotocol()).isEqualTo("sip");
            String callId = RawSip.unique("ws") + "@df7jal23ls0d.invalid";
            String uri = "sip:callee@127.0.0.1:" + wsPort + ";transport=ws";
            // As a browser writes it: a made-up .invalid host in Via and Contact (RFC 7118 §5.2).
            ws.sendText(crlf("INVITE " + uri + " SIP/2.0\n"
                + "Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK" + RawSip.unique("w") + "\n"
                + "Max-Forwards: 70\nFrom: <sip:alice@example.invalid>;tag=w1\nTo: <" + uri + ">\n"
                + "Call-ID: " + callId + "\nCSeq: 1 INVITE\n"
                + "Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws;ob>\nContent-Length: 0\n\n"), true).join();
            String fin;
            do {
                fin = got.next();
            } while (fin.startsWith("SIP/2.0 1"));
            assertThat(fin).startsWith("SIP/2.0 200");
            List<String> rr = new ArrayList<>();
            for (String h : TlsIT.headers(fin, "Record-Route")) {
                for (String part : h.split(",\\s*(?=<)")) {
                    rr.add(part.trim());
                }
            }
            assertThat(rr).hasSize(2);
            assertThat(rr.get(1)).matches("<sip:sdf[A-Za-z0-9_-]+@127\\.0\\.0\\.1:" + wsPort + ";transport=ws;r2=on;lr>");
            Collections.reverse(rr);
            String contact = TlsIT.header(fin, "Contact");
            ws.sendText(crlf("ACK " + contact.substring(contact.indexOf('<') + 1, contact.indexOf('>')) + " SIP/2.0\n"
                + "Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK" + RawSip.unique("a") + "\n"
                + "Route: " + String.join(", ", rr) + "\n"
                + "Max-Forwards: 70\nFrom: <sip:alice@example.invalid>;tag=w1\nTo: " + TlsIT.header(fin, "To") + "\n"
                + "Call-ID: " + callId + "\nCSeq: 1 ACK\nContent-Length: 0\n\n"), true).join();

            String bye;
            do {
                bye = got.next(); // a 200 retransmitted before our ACK arrived may come first
            } while (bye.startsWith("SIP/2.0 "));
            assertThat(bye).startsWith("BYE ").contains("Call-ID: " + callId);
            assertThat(TlsIT.headers(bye, "Via").get(0)).startsWith("SIP/2.0/WS 127.0.0.1:" + wsPort + ";");
            ws.sendText(crlf(TlsIT.okTo(bye)), true).join();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(backend.received())
                .anySatisfy(m -> assertThat(m.startLine()).startsWith("SIP/2.0 200")));
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }
    }
}
