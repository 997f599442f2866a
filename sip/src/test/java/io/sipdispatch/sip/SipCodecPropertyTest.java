package io.sipdispatch.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties over generated requests: every legal header form (full and compact names in any case,
 * whitespace before and after the colon, folded values, unknown headers) and binary bodies.
 */
class SipCodecPropertyTest {

    /** One generated header line: the bytes as written and whether the generator folded it. */
    record Line(String name, String value, String text) {
    }

    record Request(String method, List<Line> lines, byte[] body, byte[] bytes) {
        @Override
        public String toString() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    @Property(tries = 400)
    void parseThenSerializeGivesTheSameMessage(@ForAll("requests") Request r) throws Exception {
        SipParser parser = new SipParser();
        SipMessage m = parser.parseDatagram(r.bytes());
        byte[] serialized = m.edit().toBytes();
        assertThat(serialized).isEqualTo(r.bytes());

        SipMessage again = parser.parseDatagram(serialized);
        assertThat(again.method()).isEqualTo(m.method());
        assertThat(again.requestUriString()).isEqualTo(m.requestUriString());
        assertThat(again.headerCount()).isEqualTo(m.headerCount()).isEqualTo(r.lines().size());
        for (int i = 0; i < m.headerCount(); i++) {
            assertThat(again.header(i)).isEqualTo(m.header(i));
            assertThat(again.headerName(i)).isEqualTo(m.headerName(i)).isEqualTo(r.lines().get(i).name());
            assertThat(again.headerValue(i)).isEqualTo(m.headerValue(i)).isEqualTo(r.lines().get(i).value());
        }
        assertThat(again.body()).isEqualTo(m.body()).isEqualTo(r.body());
    }

    @Property(tries = 400)
    void rewritingLeavesEveryUntouchedByteIdentical(@ForAll("requests") Request r) throws Exception {
        SipParser parser = new SipParser();
        SipMessage m = parser.parseDatagram(r.bytes());
        int mf = m.maxForwards();
        byte[] out = m.edit()
            .pushVia("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-prop")
            .setTopViaReceived("192.0.2.7", 5099)
            .pushRecordRoute("sip:127.0.0.1:5060;lr")
            .decrementMaxForwards()
            .toBytes();

        // Every header line other than the top Via and Max-Forwards is in the output, byte for byte and in order.
        int firstVia = m.indexOf(Header.VIA);
        int from = 0;
        for (int i = 0; i < m.headerCount(); i++) {
            if (i == firstVia || m.header(i) == Header.MAX_FORWARDS) {
                continue;
            }
            byte[] line = Arrays.copyOfRange(m.buf, m.idx[i * SipMessage.STRIDE + SipMessage.H_LINE_START],
                m.lineEnd(i));
            int at = indexOf(out, line, from);
            assertThat(at).as("line %d kept in order: %s", i, new String(line, StandardCharsets.UTF_8)).isGreaterThanOrEqualTo(0);
            from = at + line.length;
        }
        // The body is the output's tail, untouched.
        assertThat(Arrays.copyOfRange(out, out.length - r.body().length, out.length)).isEqualTo(r.body());

        SipMessage fwd = parser.parseDatagram(out);
        assertThat(fwd.topVia().branch()).isEqualTo("z9hG4bK-prop");
        assertThat(fwd.vias()).hasSize(m.vias().size() + 1);
        assertThat(fwd.vias().get(1).received()).isEqualTo("192.0.2.7");
        assertThat(fwd.vias().get(1).rport()).isEqualTo(5099);
        assertThat(fwd.maxForwards()).isEqualTo(mf - 1);
        assertThat(fwd.recordRoutes().get(0).uri().toString()).isEqualTo("sip:127.0.0.1:5060;lr");
        assertThat(fwd.body()).isEqualTo(r.body());
        assertThat(fwd.callId()).isEqualTo(m.callId());
    }

    @Property(tries = 200)
    void popViaUndoesPushVia(@ForAll("requests") Request r) throws Exception {
        SipParser parser = new SipParser();
        SipMessage m = parser.parseDatagram(r.bytes());
        byte[] pushed = m.edit().pushVia("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-pop").toBytes();
        byte[] popped = parser.parseDatagram(pushed).edit().popVia().toBytes();
        assertThat(popped).isEqualTo(r.bytes());
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---- generators -----------------------------------------------------------------------------------

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<String> method = Arbitraries.of("INVITE", "OPTIONS", "REGISTER", "BYE", "MESSAGE", "NEWMETHOD");
        Arbitrary<List<Line>> extra = extraLine().list().ofMinSize(0).ofMaxSize(12);
        Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300);
        Arbitrary<List<String>> viaValues = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)
            .map(h -> "SIP/2.0/UDP " + h + ".example.net;branch=z9hG4bK" + h).list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<Boolean> bools = Arbitraries.of(true, false);
        return Combinators.combine(method, extra, body, viaValues, bools, Arbitraries.integers().between(1, 255),
                ws(), bools)
            .as((meth, extras, b, vias, compact, mf, ws, sdpFirst) -> build(meth, extras, b, vias, compact, mf, ws));
    }

    private static Request build(String method, List<Line> extras, byte[] body, List<String> vias, boolean compact,
                                 int maxForwards, String ws) {
        List<Line> lines = new ArrayList<>();
        // Several Via values on one line, as SIPp writes them, and one more line below.
        String viaName = compact ? "v" : "Via";
        String viaValue = String.join(", ", vias);
        lines.add(line(viaName, viaValue, viaName + ws + ":" + " " + viaValue));
        lines.add(line("Via", "SIP/2.0/TCP last.example.org:5070;branch=z9hG4bKlast",
            "Via: SIP/2.0/TCP last.example.org:5070;branch=z9hG4bKlast"));
        lines.add(line("Max-Forwards", "0" + maxForwards, "Max-Forwards:  0" + maxForwards));
        String from = compact ? "f" : "From";
        lines.add(line(from, "\"A \\\"q\\\" B\" <sip:a@example.com>;tag=x1", from + ":\"A \\\"q\\\" B\" <sip:a@example.com>;tag=x1"));
        lines.add(line("TO", "sip:b@example.com", "TO" + ws + ":\t sip:b@example.com"));
        String callId = compact ? "i" : "Call-ID";
        lines.add(line(callId, "prop-" + maxForwards + "@host", callId + ": prop-" + maxForwards + "@host"));
        // A folded CSeq: the value reads as "17 METHOD".
        lines.add(line("CSeq", "17 " + method, "CSeq: 17\r\n  " + method));
        lines.addAll(extras);
        lines.add(line(compact ? "l" : "Content-Length", Integer.toString(body.length),
            (compact ? "l" : "Content-Length") + ": " + body.length));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((method + " sip:user@example.com:5060;transport=udp SIP/2.0\r\n").getBytes(StandardCharsets.UTF_8));
        for (Line l : lines) {
            out.writeBytes((l.text() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return new Request(method, lines, body, out.toByteArray());
    }

    private static Line line(String name, String value, String text) {
        return new Line(name, value, text);
    }

    private static Arbitrary<String> ws() {
        return Arbitraries.of("", " ", "\t", "  ");
    }

    /** An unknown header: token name, printable value, optionally folded at a space. */
    private static Arbitrary<Line> extraLine() {
        Arbitrary<String> name = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzXYZ-0123456789")
            .ofMinLength(2).ofMaxLength(12).map(n -> "X-" + n);
        Arbitrary<List<String>> words = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(10)
            .list().ofMinSize(1).ofMaxSize(5);
        Arbitrary<Boolean> fold = Arbitraries.of(true, false);
        return Combinators.combine(name, words, fold, ws()).as((n, w, f, ws) -> {
            String value = String.join(" ", w);
            String written = f && w.size() > 1 ? String.join("\r\n\t", w) : value;
            return new Line(n, value, n + ws + ":" + ws + written);
        });
    }
}
