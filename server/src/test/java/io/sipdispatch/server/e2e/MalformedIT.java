package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.TCP;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests sipdispatch must refuse itself, written by hand on plain sockets: each gets the status code
 * RFC 3261 names (and is not forwarded), garbage gets nothing, a TCP stream that cannot be framed is
 * closed or refused; and afterwards the server still carries calls.
 *
 * <p>Every hand-written request carries the header {@code X-E2E-Malformed}, so that the last test can
 * check that none reached the backend.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MalformedIT {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);
    private static final String MARKER = "X-E2E-Malformed";

    @TempDir
    static Path dir;

    static int port;
    static SipdispatchProcess proxy;
    static Sipp.Backend backend;

    @BeforeAll
    static void start() {
        port = FreePorts.udpAndTcp();
        backend = Sipp.backend(dir, "uas", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        String config = E2e.listenEverywhere(port) + """
            compliance: strict
            record_route: true
            mode: stateless
            dispatcher:
              list_file: dispatcher.list
            routes:
              - name: alg4
                match: { ruri_user: '^alg4(-.*)?$' }
                dispatch: { set: 1, algorithm: 4 }
              - name: deny
                reply: { code: 403, reason: Forbidden }
            """;
        proxy = SipdispatchProcess.start(dir.resolve("sipdispatch"), config, E2e.listLine(1, backend, 0, "duid=uas"));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    /** A well-formed request to the dispatching route, marked, from {@code sentBy}. */
    private static RawSip.Request request(String method, IpFamily family, Transport transport, String sentBy) {
        String callId = RawSip.unique("e2e-malformed") + "@" + family.uriHost();
        return RawSip.Request.of(method, "sip:alg4@" + family.hostPort(port), transport, sentBy, callId)
            .set(MARKER, "yes");
    }

    private static SipMessage answerOverUdp(IpFamily family, Function<String, RawSip.Request> build)
            throws IOException {
        try (RawSip.Udp udp = new RawSip.Udp(family)) {
            RawSip.Request r = build.apply(udp.sentBy());
            Optional<SipMessage> answer = udp.exchange(r, port, ANSWER_TIMEOUT);
            assertThat(answer).as("an answer to\n%s\n%s", r, proxy.describe()).isPresent();
            return answer.get();
        }
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    @Order(1)
    void aRequestWithoutCallIdGets400(IpFamily family) throws IOException {
        SipMessage answer = answerOverUdp(family, sentBy -> request("OPTIONS", family, UDP, sentBy).remove("Call-ID"));

        assertThat(answer.startLine()).startsWith("SIP/2.0 400");
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    @Order(2)
    void anInviteWithMaxForwardsZeroGets483(IpFamily family) throws IOException {
        SipMessage answer = answerOverUdp(family, sentBy -> request("INVITE", family, UDP, sentBy)
            .set("Max-Forwards", "0")
            .set("Contact", "<sip:e2e@" + sentBy + ">")
            .set("Content-Type", "application/sdp")
            .body("v=0\r\no=e2e 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 10004 RTP/AVP 0\r\n"));

        assertThat(answer.startLine()).startsWith("SIP/2.0 483");
        assertThat(answer.cseqMethod()).isEqualTo("INVITE");
    }

    @Test
    @Order(3)
    void anUnknownProxyRequireOptionGets420NamingItInUnsupported() throws IOException {
        SipMessage answer = answerOverUdp(IPV4, sentBy -> request("OPTIONS", IPV4, UDP, sentBy)
            .set("Proxy-Require", "x-e2e-no-such-extension"));

        assertThat(answer.startLine()).startsWith("SIP/2.0 420");
        assertThat(answer.headerValues("Unsupported")).contains("x-e2e-no-such-extension");
    }

    @Test
    @Order(4)
    void sip3Gets505() throws IOException {
        SipMessage answer = answerOverUdp(IPV4, sentBy -> request("OPTIONS", IPV4, UDP, sentBy)
            .startLine("OPTIONS sip:alg4@" + IPV4.hostPort(port) + " SIP/3.0"));

        assertThat(answer.startLine()).startsWith("SIP/2.0 505");
    }

    /**
     * Garbage first, then a good OPTIONS on the same socket: the first thing that comes back must be the
     * answer to the OPTIONS, so the garbage got none (no sleep: the OPTIONS' answer bounds the wait).
     */
    @Test
    @Order(5)
    void garbageGetsNoAnswer() throws IOException {
        List<byte[]> garbage = List.of(
            "hello sipdispatch\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            new byte[] {0, 1, 2, 3, (byte) 0xff, (byte) 0xfe, 13, 10, 13, 10},
            "SIP/2.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            "INVITE\r\nVia: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        try (RawSip.Udp udp = new RawSip.Udp(IPV4)) {
            for (byte[] g : garbage) {
                udp.send(g, port);
            }
            RawSip.Request good = request("OPTIONS", IPV4, UDP, udp.sentBy()).remove(MARKER);
            udp.send(good.render(), port);

            Optional<SipMessage> first = udp.receive(ANSWER_TIMEOUT);
            assertThat(first).as("an answer to the good OPTIONS after the garbage\n%s", proxy.describe()).isPresent();
            assertThat(first.get().callId()).as("the first datagram back:\n%s", first.get())
                .isEqualTo(SipMessage.parse("UDP", good.render()).callId());
            assertThat(first.get().statusCode()).isEqualTo(200);
        }
        assertThat(proxy.isAlive()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"twelve", "-5", "1x"})
    @Order(6)
    void aTcpStreamWithABadContentLengthIsClosedOrRefused(String contentLength) throws IOException {
        try (RawSip.Tcp tcp = new RawSip.Tcp(IPV4, port, Duration.ofSeconds(2))) {
            RawSip.Request r = request("OPTIONS", IPV4, TCP, tcp.sentBy())
                .set("Content-Length", contentLength);
            tcp.send(r.render());

            RawSip.TcpRead read = tcp.read(ANSWER_TIMEOUT);
            assertThat(read.timedOut()).as("neither closed nor answered within %s\n%s", ANSWER_TIMEOUT, proxy.describe())
                .isFalse();
            if (!read.closed()) {
                assertThat(read.message().startLine()).as("answer to Content-Length: %s", contentLength)
                    .startsWith("SIP/2.0 400");
            }
        }
    }

    @Test
    @Order(7)
    void aGoodRequestOverTcpIsStillAnsweredOnANewConnection() throws IOException {
        try (RawSip.Tcp tcp = new RawSip.Tcp(IPV4, port, Duration.ofSeconds(2))) {
            RawSip.Request r = RawSip.Request.of("OPTIONS", "sip:nobody@" + IPV4.hostPort(port), TCP, tcp.sentBy(),
                RawSip.unique("e2e-tcp-ok") + "@127.0.0.1");
            tcp.send(r.render());

            RawSip.TcpRead read = tcp.read(ANSWER_TIMEOUT);
            assertThat(read.message()).as("answer over TCP\n%s", proxy.describe()).isNotNull();
            assertThat(read.message().startLine()).startsWith("SIP/2.0 403");
        }
    }

    @Test
    @Order(100)
    void afterAllOfItTheServerStillCarriesCallsAndForwardedNoneOfIt() {
        Sipp.Result run = Sipp.uac("uac_call.xml").target(IPV4, port).service("alg4").calls(10).rate(20).run(dir);
        String context = run + "\n" + backend.diagnostics() + "\n" + proxy.describe();
        assertThat(run.failed()).as("failed calls\n%s", context).isZero();
        assertThat(run.successful()).as("successful calls\n%s", context).isEqualTo(10);
        assertThat(backend.callIds(run, "INVITE")).hasSize(10);

        assertThat(backend.requests(m -> m.header(MARKER) != null)).as("malformed requests the backend received")
            .isEmpty();
        assertThat(proxy.isAlive()).isTrue();
    }
}
