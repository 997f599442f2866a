package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sipdispatch.server.SipdispatchServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIP tracing to a HEP v3 collector: a UDP receiver in the test decodes what sipdispatch mirrors, switched
 * on and off and filtered by Call-ID from the management API, while SIPp calls and hand-written requests
 * pass through.
 */
class TracingIT {
    @TempDir
    static Path dir;

    static DatagramSocket collector;
    static final List<Map<Integer, byte[]>> packets = new CopyOnWriteArrayList<>();
    static Thread reader;
    static Sipp.Backend backend;
    static SipdispatchServer server;
    static int port;
    static String rpc;

    @BeforeAll
    static void start() throws Exception {
        collector = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        reader = new Thread(() -> {
            byte[] buf = new byte[65535];
            while (!collector.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    collector.receive(p);
                    packets.add(decode(p.getData(), p.getLength()));
                } catch (java.io.IOException e) {
                    return;
                }
            }
        });
        reader.setDaemon(true);
        reader.start();
        backend = Sipp.backend(dir, "gw", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        port = FreePorts.udpAndTcp();
        Files.writeString(dir.resolve("dispatcher.list"), E2e.listLine(1, backend, 0, "duid=gw"));
        Files.writeString(dir.resolve("sipdispatch.yaml"), E2e.listenEverywhere(port) + """
            dispatcher: { list_file: dispatcher.list }
            management: { listen: '127.0.0.1:0' }
            tracing: { hep: '127.0.0.1:COLLECTOR', capture_id: 2001, password: s3cret }
            routes:
              - match: { method: OPTIONS }
                reply: { code: 480, reason: Here }
              - dispatch: { set: 1 }
            """.replace("COLLECTOR", Integer.toString(collector.getLocalPort())));
        server = SipdispatchServer.prepare(dir.resolve("sipdispatch.yaml")).start();
        rpc = "http://127.0.0.1:" + server.managementPort() + "/RPC";
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    /** HEP3 as the specification lays it out: "HEP3", the length, then chunks (vendor, type, length, value). */
    static Map<Integer, byte[]> decode(byte[] data, int len) {
        ByteBuffer b = ByteBuffer.wrap(data, 0, len);
        byte[] magic = new byte[4];
        b.get(magic);
        assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("HEP3");
        assertThat(b.getShort() & 0xffff).as("total length").isEqualTo(len);
        Map<Integer, byte[]> chunks = new HashMap<>();
        while (b.hasRemaining()) {
            int vendor = b.getShort() & 0xffff;
            int type = b.getShort() & 0xffff;
            int chunkLen = b.getShort() & 0xffff;
            assertThat(vendor).isZero();
            byte[] v = new byte[chunkLen - 6];
            b.get(v);
            chunks.put(type, v);
        }
        return chunks;
    }

    static String text(Map<Integer, byte[]> p, int chunk) {
        return new String(p.get(chunk), StandardCharsets.UTF_8);
    }

    static int u16(Map<Integer, byte[]> p, int chunk) {
        return ByteBuffer.wrap(p.get(chunk)).getShort() & 0xffff;
    }

    static String options(RawSip.Udp udp, String callId) throws Exception {
        return udp.exchange(RawSip.Request.of("OPTIONS", "sip:x@127.0.0.1:" + port, UDP, udp.sentBy(), callId),
            port, Duration.ofSeconds(5)).orElseThrow().startLine();
    }

    static int localPort(RawSip.Udp udp) {
        String sentBy = udp.sentBy();
        return Integer.parseInt(sentBy.substring(sentBy.lastIndexOf(':') + 1));
    }

    static JsonNode rpc(String method, Object... params) throws Exception {
        JsonNode n = ManagementIT.call(rpc, null, method, params);
        assertThat(n.get("error")).as("%s", n).isNull();
        return n.get("result");
    }

    @Test
    void tracingSwitchedOnByTheApiMirrorsTheChosenCallBothWaysAndNothingElse() throws Exception {
        try (RawSip.Udp udp = new RawSip.Udp(IPV4)) {
            String before = RawSip.unique("before") + "@127.0.0.1";
            assertThat(options(udp, before)).isEqualTo("SIP/2.0 480 Here");
            assertThat(rpc("trace.status").get("status").asText()).isEqualTo("off");

            String wanted = RawSip.unique("wanted") + "@127.0.0.1";
            rpc("trace.start", "call_id", wanted);
            options(udp, RawSip.unique("other") + "@127.0.0.1");
            options(udp, wanted);
            await().atMost(Duration.ofSeconds(5)).until(() -> packets.size() >= 2);
            List<Map<Integer, byte[]>> got = new ArrayList<>(packets);
            assertThat(got).hasSize(2).allSatisfy(p -> {
                assertThat(text(p, 17)).as("correlation id").isEqualTo(wanted);
                assertThat(p.get(1)[0]).as("IPv4").isEqualTo((byte) 2);
                assertThat(p.get(2)[0]).as("UDP").isEqualTo((byte) 17);
                assertThat(p.get(11)[0]).as("SIP").isEqualTo((byte) 1);
                assertThat(ByteBuffer.wrap(p.get(12)).getInt()).as("capture id").isEqualTo(2001);
                assertThat(text(p, 14)).isEqualTo("s3cret");
                assertThat(ByteBuffer.wrap(p.get(9)).getInt())
                    .isCloseTo((int) (System.currentTimeMillis() / 1000), org.assertj.core.data.Offset.offset(60));
            });
            Map<Integer, byte[]> request = got.stream().filter(p -> text(p, 15).startsWith("OPTIONS ")).findFirst()
                .orElseThrow();
            assertThat(text(request, 15)).contains("Call-ID: " + wanted);
            assertThat(u16(request, 7)).isEqualTo(localPort(udp));
            assertThat(u16(request, 8)).isEqualTo(port);
            Map<Integer, byte[]> reply = got.stream().filter(p -> text(p, 15).startsWith("SIP/2.0 480 Here"))
                .findFirst().orElseThrow();
            assertThat(u16(reply, 7)).isEqualTo(port);
            assertThat(u16(reply, 8)).isEqualTo(localPort(udp));
        }

        packets.clear();
        assertThat(rpc("siptrace.status", "on").asText()).isEqualTo("on");
        Sipp.Result call = Sipp.uac("uac_call.xml").target(IPV4, port).transport(UDP).service("traced").calls(1)
            .rate(1).timeout(Duration.ofSeconds(15)).run(dir);
        call.assertAllSucceeded();
        // In from SIPp, out to the backend, its answers in and out again: at least the INVITE both ways.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(packets).filteredOn(p -> text(p, 15).startsWith("INVITE ") && u16(p, 8) == backend.port())
                .hasSize(1));
        assertThat(packets).anySatisfy(p -> assertThat(text(p, 15)).startsWith("BYE "));
        assertThat(rpc("trace.status").get("traced").asLong()).isGreaterThanOrEqualTo(packets.size());

        rpc("trace.stop");
        packets.clear();
        try (RawSip.Udp udp = new RawSip.Udp(IPV4)) {
            options(udp, RawSip.unique("after") + "@127.0.0.1");
        }
        // The reply has come back, so the request and the reply have passed the tracer: had they been traced,
        // their packets would arrive at once; none does for a second.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(packets::isEmpty);
        assertThat(packets).isEmpty();
    }
}
