package io.sipdispatch.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * One test per case of RFC 4475 (SIP Torture Test Messages), each with a message written for this test in
 * the spirit of the RFC's (other hosts, values and names), and the outcome a proxy in STRICT mode must
 * reach: forward (verdict ok), answer with a status code, or drop.
 *
 * <p>Messages are text blocks whose line ends are turned into CRLF; {@code {CL}} stands for the length of
 * the body.
 */
class TortureMessagesTest {
    private static final SipValidator STRICT = SipValidator.forProxy(ComplianceMode.STRICT, SipLimits.DEFAULT);
    private static final SipValidator LENIENT = SipValidator.forProxy(ComplianceMode.LENIENT, SipLimits.DEFAULT);

    private static final String SDP = """
        v=0
        o=carol 28908764872 28908764872 IN IP4 198.51.100.20
        s=-
        c=IN IP4 198.51.100.20
        t=0 0
        m=audio 40000 RTP/AVP 0 8
        m=video 40002 RTP/AVP 31
        a=rtpmap:31 LPC
        """;

    // ---- helpers ---------------------------------------------------------------------------------------

    /** Header lines ('\n' = CRLF), the empty line, then the body ('\n' = CRLF); {CL} = body length. */
    private static byte[] datagram(String head, String body) {
        byte[] b = body.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        return concat(head.replace("{CL}", Integer.toString(b.length)).replace("\n", "\r\n")
            .getBytes(StandardCharsets.UTF_8), new byte[] {'\r', '\n'}, b);
    }

    private static byte[] datagram(String head) {
        return datagram(head, "");
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static SipMessage parse(byte[] d) throws SipParseException {
        return new SipParser(SipLimits.DEFAULT).parseDatagram(d);
    }

    private static SipValidator.Verdict outcome(SipValidator v, byte[] d) {
        return v.validateDatagram(new SipParser(SipLimits.DEFAULT), d, 0, d.length);
    }

    /** Parses, passes STRICT proxy validation, and survives a typical forwarding edit. */
    private static SipMessage assertForwarded(byte[] d) throws SipParseException {
        SipMessage m = parse(d);
        SipValidator.Verdict v = STRICT.validate(m);
        assertThat(v.violation()).as("violation of a message a proxy forwards").isNull();
        assertThat(v.ok()).isTrue();
        return m;
    }

    private static SipValidator.Verdict assertAnswered(byte[] d, int status, Violation violation) {
        SipValidator.Verdict v = outcome(STRICT, d);
        assertThat(v.violation()).isEqualTo(violation);
        assertThat(v.statusCode()).isEqualTo(status);
        assertThat(v.drop()).isFalse();
        return v;
    }

    private static void assertDropped(byte[] d, Violation violation) {
        SipValidator.Verdict v = outcome(STRICT, d);
        assertThat(v.violation()).isEqualTo(violation);
        assertThat(v.drop()).isTrue();
        assertThat(v.statusCode()).isEqualTo(Violation.DROP);
    }

    /** The edit every forwarded request gets; the result must parse again and keep the body. */
    private static byte[] forward(SipMessage m) throws SipParseException {
        byte[] out = m.edit()
            .pushVia("SIP/2.0/UDP lb.example.com:5060;branch=z9hG4bKlbtorture")
            .decrementMaxForwards()
            .toBytes();
        SipMessage again = parse(out);
        assertThat(again.body()).isEqualTo(m.body());
        assertThat(again.topVia().host()).isEqualTo("lb.example.com");
        return out;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    // ---- RFC 4475 §3.1.1 -------------------------------------------------------------------------------

    @Nested
    class ValidTortuous {
        /** §3.1.1.1 A Short Tortuous INVITE. */
        @Test
        void shortTortuousInvite() throws Exception {
            byte[] d = datagram("""
                INVITE sip:carol@lab-east.example.net;oddparam SIP/2.0
                TO :
                 sip:carol@lab-east.example.net ;   tag    = 7731dq
                from   : "Dave \\\\\\""       <sip:dave@example.org>
                  ;
                  tag = a8sd1k
                MaX-fOrWaRdS: 0041
                Call-ID: shortTortuous.7d2b@198.51.100.1
                Content-Length   : {CL}
                cseq: 0012
                  INVITE
                Via  : SIP  /   2.0
                 /UDP
                    198.51.100.2;branch=390xkcp
                s :
                OddballHeader:   odd value
                 carried on
                WeirdValuedHeader: ,;;,;,,;
                Content-Type: application/sdp
                Route:
                 <sip:edge.example.org;lr;unknownwith=value;unknown-no-value>
                v:  SIP  / 2.0  / TCP     spool.example.org   ;
                  branch  =   z9hG4bK17ab2  ,
                 SIP  /    2.0   / UDP  10.20.30.40   ; branch=
                 z9hG4bK99kz
                m:"Quoted \\"\\" string" <sip:dave@example.org> ; oddparam =
                      oddvalue ;
                  another ; q = 0.25
                """, SDP);
            SipMessage m = assertForwarded(d);
            assertThat(m.requestUri().params().has("oddparam")).isTrue();
            assertThat(m.to().tag()).isEqualTo("7731dq");
            assertThat(m.from().tag()).isEqualTo("a8sd1k");
            assertThat(m.from().displayName()).isEqualTo("\"Dave \\\\\\\"\"");
            assertThat(m.maxForwards()).isEqualTo(41);
            assertThat(m.cseq()).isEqualTo(new CSeq(12, "INVITE"));
            assertThat(m.vias()).extracting(Via::host).containsExactly("198.51.100.2", "spool.example.org", "10.20.30.40");
            assertThat(m.vias()).extracting(Via::branch).containsExactly("390xkcp", "z9hG4bK17ab2", "z9hG4bK99kz");
            assertThat(m.first(Header.SUBJECT)).isEmpty();
            assertThat(m.first("OddballHeader")).isEqualTo("odd value carried on");
            assertThat(m.first("weirdvaluedheader")).isEqualTo(",;;,;,,;");
            assertThat(m.routes().get(0).uri().lr()).isTrue();
            NameAddr contact = NameAddr.parse(m.first(Header.CONTACT));
            assertThat(contact.params().get("oddparam")).isEqualTo("oddvalue");
            assertThat(contact.params().get("q")).isEqualTo("0.25");
            assertThat(m.body()).isEqualTo(SDP.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII));
            String out = text(forward(m));
            assertThat(out).contains("\r\nWeirdValuedHeader: ,;;,;,,;\r\n");
            assertThat(out).contains("\r\nOddballHeader:   odd value\r\n carried on\r\n");
            assertThat(out).contains("\r\nMaX-fOrWaRdS: 40\r\n");
        }

        /** §3.1.1.2 Wide Range of Valid Characters. */
        @Test
        void wideRangeOfValidCharacters() throws Exception {
            byte[] d = datagram("""
                !odd-Verb0123456789_*+`.%so'~ sip:3_strange.USER~(really!)&isn't+it$/odd?,/;;*:&pw+is=2,odd!*pa$$wo~rd.(yes-it-is)@example.org SIP/2.0
                Via: SIP/2.0/TCP edge2.example.org;branch=z9hG4bK-.!%77*_+`'~
                To: "BEL:\\\007 NUL:\\\000 DEL:\\\177" <sip:3_strange.USER~(really!)&isn't+it$/odd?,/;;*@example.org>
                From: tok1~` tok2'+_ tok3*%!.- <sip:plain@example.org>;fromParam''~+*_!.-%="Ωμέγα κόσμε";tag=_t~1'+`*%!-.
                Call-ID: wideRange.word%ZK-!.*_+'@word`~)(><:\\/"][?}{
                CSeq: 139122385 !odd-Verb0123456789_*+`.%so'~
                Max-Forwards: 255
                extensionHeader-!.%*+_`'~: 字形は変わる
                Content-Length: 0
                """);
            SipMessage m = assertForwarded(d);
            assertThat(m.method()).isEqualTo("!odd-Verb0123456789_*+`.%so'~");
            assertThat(SipMethod.isKnown(m.method())).isFalse();
            assertThat(m.requestUri().user()).isEqualTo("3_strange.USER~(really!)&isn't+it$/odd?,/;;*");
            assertThat(m.requestUri().password()).isEqualTo("&pw+is=2,odd!*pa$$wo~rd.(yes-it-is)");
            assertThat(m.requestUri().host()).isEqualTo("example.org");
            assertThat(m.to().displayName()).contains("BEL:\\\007 NUL:\\\000");
            assertThat(m.from().displayName()).isEqualTo("tok1~` tok2'+_ tok3*%!.-");
            assertThat(m.from().params().get("fromParam''~+*_!.-%")).isEqualTo("\"Ωμέγα κόσμε\"");
            assertThat(m.from().tag()).isEqualTo("_t~1'+`*%!-.");
            assertThat(m.callId()).isEqualTo("wideRange.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
            assertThat(m.topVia().branch()).isEqualTo("z9hG4bK-.!%77*_+`'~");
            assertThat(m.first("extensionHeader-!.%*+_`'~")).isEqualTo("字形は変わる");
            assertThat(m.maxForwards()).isEqualTo(255);
            assertThat(text(forward(m))).contains("\r\nextensionHeader-!.%*+_`'~: 字形は変わる\r\n");
        }

        /** §3.1.1.3 Valid Use of the % Escaping Mechanism. */
        @Test
        void validPercentEscaping() throws Exception {
            byte[] d = datagram("""
                INVITE sip:sip%3Adave%40example.org@proxy.example.net SIP/2.0
                To: sip:%64av%65@example.org
                From: <sip:Not%20Escaped%20Here@example.net>;tag=417
                Max-Forwards: 55
                i: escapes.98kqw2-ljsd-2231
                CSeq: 77123 INVITE
                Via: SIP/2.0/UDP host9.example.net;branch=z9hG4bKesc1
                C: application/sdp
                Contact:
                  <sip:cal%6Cer@host9.example.net;%6C%72;n%61me=v%61lue%25%34%31>
                Content-Length: {CL}
                """, SDP);
            SipMessage m = assertForwarded(d);
            assertThat(m.requestUri().userUnescaped()).isEqualTo("sip:dave@example.org");
            assertThat(m.requestUri().host()).isEqualTo("proxy.example.net");
            assertThat(m.to().uri().userUnescaped()).isEqualTo("dave");
            assertThat(m.from().uri().userUnescaped()).isEqualTo("Not Escaped Here");
            assertThat(m.first(Header.CONTENT_TYPE)).isEqualTo("application/sdp");
            SipUri contact = NameAddr.parse(m.first(Header.CONTACT)).uri();
            assertThat(contact.userUnescaped()).isEqualTo("caller");
            assertThat(SipUri.unescape(contact.params().name(0))).isEqualTo("lr");
            assertThat(SipUri.unescape(contact.params().value(1))).isEqualTo("value%41");
            assertThat(m.callId()).isEqualTo("escapes.98kqw2-ljsd-2231");
            forward(m);
        }

        /** §3.1.1.4 Escaped Nulls in URIs. */
        @Test
        void escapedNulls() throws Exception {
            byte[] d = datagram("""
                REGISTER sip:example.org SIP/2.0
                To: sip:zero-%00-zero@example.org
                From: sip:zero-%00-zero@example.org;tag=7715jk
                Max-Forwards: 70
                Call-ID: escapedNul.kq8w3e@198.51.100.31
                CSeq: 50021 REGISTER
                Via: SIP/2.0/UDP host31.example.org;branch=z9hG4bKnul
                Contact: <sip:%00@host31.example.org>
                Contact: <sip:%00%00@host31.example.org>
                L:0
                """);
            SipMessage m = assertForwarded(d);
            assertThat(m.to().uri().userUnescaped()).isEqualTo("zero-\0-zero");
            List<String> contacts = m.values(Header.CONTACT);
            assertThat(contacts).hasSize(2);
            SipUri c1 = NameAddr.parse(contacts.get(0)).uri();
            SipUri c2 = NameAddr.parse(contacts.get(1)).uri();
            assertThat(c1).isNotEqualTo(c2);
            assertThat(c1.userUnescaped()).isEqualTo("\0");
            assertThat(c2.userUnescaped()).isEqualTo("\0\0");
        }

        /** §3.1.1.5 Use of % When It Is Not an Escape. */
        @Test
        void percentThatIsNotAnEscape() throws Exception {
            byte[] d = datagram("""
                SUB%53CRIBE sip:presence.example.org SIP/2.0
                To: "%Z%46" <sip:buddy@example.org>
                From: "%Z%46" <sip:buddy@example.org>;tag=q83jz
                Call-ID: notEscape.ksd83jf
                Via: SIP/2.0/TCP pres.example.org;branch=z9hG4bK883%zzq11
                CSeq: 8812 SUB%53CRIBE
                Max-Forwards: 70
                Contact: <sip:watcher1@w1.example.org>
                %43ontact: <sip:watcher2@w2.example.org>
                Contact: <sip:watcher3@w3.example.org>
                l: 0
                """);
            SipMessage m = assertForwarded(d);
            assertThat(m.method()).isEqualTo("SUB%53CRIBE").isNotEqualTo(SipMethod.SUBSCRIBE);
            assertThat(SipMethod.isKnown(m.method())).isFalse();
            assertThat(m.values(Header.CONTACT)).hasSize(2);
            assertThat(m.first("%43ontact")).isEqualTo("<sip:watcher2@w2.example.org>");
            assertThat(m.to().displayName()).isEqualTo("\"%Z%46\"");
            assertThat(m.topVia().branch()).isEqualTo("z9hG4bK883%zzq11");
            forward(m);
        }

        /** §3.1.1.6 No LWS between Display Name and &lt;. */
        @Test
        void noLwsBetweenDisplayNameAndAngleBracket() throws Exception {
            byte[] d = datagram("""
                OPTIONS sip:erin@example.org SIP/2.0
                To: sip:erin@example.org
                From: frank<sip:frank@example.org>;tag=88a
                Max-Forwards: 70
                Call-ID: noLwsDisplay.9823@odd.example.org
                CSeq: 11 OPTIONS
                Via: SIP/2.0/UDP odd.example.org;branch=z9hG4bKlws
                l: 0
                """);
            SipMessage m = assertForwarded(d);
            assertThat(m.from().displayName()).isEqualTo("frank");
            assertThat(m.from().uri().user()).isEqualTo("frank");
            assertThat(m.from().tag()).isEqualTo("88a");
        }

        /** §3.1.1.7 Long Values in Header Fields. */
        @Test
        void longValues() throws Exception {
            String longName = "enormous".repeat(20);
            String longParam = "x".repeat(300);
            String longTag = "7".repeat(200);
            String longCallId = "longValues." + "really".repeat(40) + "@198.51.100.7";
            StringBuilder head = new StringBuilder()
                .append("INVITE sip:olga@example.org SIP/2.0\n")
                .append("To: \"A display name of ").append(longName).append(" size\"<sip:olga@example.org:6060;p1=")
                .append(longParam).append(";p2=").append(longParam).append(">\n")
                .append("F: sip:").append("verylongcallername".repeat(8)).append("@example.net;tag=").append(longTag)
                .append("\n")
                .append("Call-ID: ").append(longCallId).append("\n")
                .append("CSeq: 1234567 INVITE\n")
                .append("Unknown-").append("Long".repeat(25)).append("-Name: ").append("unknown-value-".repeat(30))
                .append("; unknown-param=\"").append("q".repeat(200)).append("\"\n");
            String[] viaNames = {"Via", "v", "V", "via", "VIA", "vIa", "V ", "v  ", "Via \t"};
            for (int i = 40; i >= 1; i--) {
                head.append(viaNames[i % viaNames.length]).append(": SIP/2.0/TCP relay").append(i).append(".example.org\n");
            }
            head.append("Via: SIP/2.0/TCP origin.example.org;received=198.51.100.7;branch=z9hG4bK")
                .append("b".repeat(250)).append("\n")
                .append("Max-Forwards: 70\n")
                .append("Contact: <sip:olga@origin.example.org>\n")
                .append("Content-Type: application/sdp\n")
                .append("l: {CL}\n");
            SipMessage m = assertForwarded(datagram(head.toString(), SDP));
            assertThat(m.vias()).hasSize(41);
            assertThat(m.topVia().host()).isEqualTo("relay40.example.org");
            assertThat(m.vias().get(40).branch()).hasSize(7 + 250);
            assertThat(m.to().uri().param("p2")).isEqualTo(longParam);
            assertThat(m.to().uri().port()).isEqualTo(6060);
            assertThat(m.from().tag()).isEqualTo(longTag);
            assertThat(m.callId()).isEqualTo(longCallId);
            assertThat(m.first("Unknown-" + "Long".repeat(25) + "-Name")).startsWith("unknown-value-unknown-value-");
            forward(m);
        }

        /** §3.1.1.8 Extra Trailing Octets in a UDP Datagram. */
        @Test
        void extraTrailingOctets() throws Exception {
            String register = """
                REGISTER sip:example.org SIP/2.0
                To: sip:grace@example.org
                From: sip:grace@example.org;tag=72kq0
                Max-Forwards: 9
                I: trailing.8823hf
                Contact: sip:grace@host.example.org
                CSeq: 9 REGISTER
                Via: SIP/2.0/UDP 198.51.100.125;branch=z9hG4bKreg9
                Content-Length: 0
                """;
            String invite = """

                INVITE sip:heidi@example.org SIP/2.0
                t: sip:heidi@example.org
                From: sip:ivan@example.net;tag=8812
                Max-Forwards: 9
                Call-ID: trailing.99kkw@198.51.100.15
                CSeq: 9 INVITE
                Via: SIP/2.0/UDP 198.51.100.15;branch=z9hG4bKinv9
                Content-Type: application/sdp
                Content-Length: 150

                """ + SDP;
            byte[] first = datagram(register);
            byte[] d = concat(first, invite.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII));
            SipMessage m = assertForwarded(d);
            assertThat(m.method()).isEqualTo(SipMethod.REGISTER);
            assertThat(m.bodyLength()).isZero();
            assertThat(m.toBytes()).isEqualTo(first);
            byte[] out = forward(m);
            assertThat(text(out)).doesNotContain("INVITE").doesNotContain("heidi");
            assertThat(text(out)).endsWith("Content-Length: 0\r\n\r\n");
        }

        /** §3.1.1.9 Semicolon-Separated Parameters in URI User Part. */
        @Test
        void semicolonInUserPart() throws Exception {
            byte[] d = datagram("""
                OPTIONS sip:ivan;ctx=i%40example.net@example.org SIP/2.0
                To: sip:i_van@example.org
                From: sip:judy@example.com;tag=1k2j3
                Max-Forwards: 4
                Call-ID: semiUser.82hd7
                CSeq: 4 OPTIONS
                Accept: application/sdp, application/pkcs7-mime,
                        multipart/mixed, multipart/signed,
                        message/sip, message/sipfrag
                Via: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKsemi
                l: 0
                """);
            SipMessage m = assertForwarded(d);
            assertThat(m.requestUri().user()).isEqualTo("ivan;ctx=i%40example.net");
            assertThat(m.requestUri().host()).isEqualTo("example.org");
            assertThat(m.requestUri().params().size()).isZero();
            assertThat(m.first("Accept")).isEqualTo("application/sdp, application/pkcs7-mime, multipart/mixed, "
                + "multipart/signed, message/sip, message/sipfrag");
        }

        /** §3.1.1.10 Varied and Unknown Transport Types. */
        @Test
        void variedAndUnknownTransports() throws Exception {
            byte[] d = datagram("""
                OPTIONS sip:kim@example.org SIP/2.0
                To: sip:kim@example.org
                From: <sip:lou@example.org>;tag=9a9
                Max-Forwards: 70
                Call-ID:  variedTransports.k2j3h4
                Accept: application/sdp
                CSeq: 61 OPTIONS
                Via: SIP/2.0/UDP u1.example.org;branch=z9hG4bKt1
                Via: SIP/2.0/SCTP u2.example.org;branch=z9hG4bKt2
                Via: SIP/2.0/TLS u3.example.org;branch=z9hG4bKt3
                Via: SIP/2.0/UNKNOWN u4.example.org;branch=z9hG4bKt4
                Via: SIP/2.0/TCP u5.example.org;branch=z9hG4bKt5
                l: 0
                """);
            SipMessage m = assertForwarded(d);
            assertThat(m.vias()).extracting(Via::transport).containsExactly("UDP", "SCTP", "TLS", "UNKNOWN", "TCP");
            SipMessage out = parse(forward(m));
            assertThat(out.vias()).extracting(Via::transport)
                .containsExactly("UDP", "UDP", "SCTP", "TLS", "UNKNOWN", "TCP");
        }

        /** §3.1.1.11 Multipart MIME Message (a binary part with NUL and bare LF). */
        @Test
        void multipartWithBinaryPart() throws Exception {
            byte[] binary = {0x30, (byte) 0x82, 0x01, 0x00, 0x0a, 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x00, (byte) 0xff,
                '-', '-', 'b', 'n', 'd', '\n', '\n', 0x7f, 0x00, 0x0d};
            byte[] body = concat(("--bnd42xq\r\nContent-Type: text/plain\r\n\r\nHi there\r\n"
                    + "--bnd42xq\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII),
                binary, "\r\n--bnd42xq--\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = """
                MESSAGE sip:mia@example.org SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-mp-77;rport
                Max-Forwards: 70
                Route: <sip:127.0.0.1:5091>
                Contact: <sip:noah@127.0.0.1:5090>
                To: <sip:mia@example.org>
                From: <sip:noah@example.com>;tag=5ca1ab1e
                Call-ID: multipart.7e3a@bnVsbC1ob3N0
                CSeq: 1 MESSAGE
                Content-Type: multipart/signed;boundary=bnd42xq;protocol="application/pkcs7-signature"
                Content-Length: {CL}
                """.replace("{CL}", Integer.toString(body.length)).replace("\n", "\r\n");
            byte[] d = concat(head.getBytes(StandardCharsets.US_ASCII), new byte[] {'\r', '\n'}, body);
            SipMessage m = assertForwarded(d);
            assertThat(m.body()).isEqualTo(body);
            byte[] out = forward(m);
            assertThat(parse(out).body()).isEqualTo(body);
        }

        /** §3.1.1.12 Unusual Reason Phrase. The codec accepts it; the proxy drops it only because its Via is not the proxy's. */
        @Test
        void unusualReasonPhrase() throws Exception {
            String reason = "= 3**2 * 7 Καλημέρα κόσμε – до свидания";
            byte[] d = datagram("SIP/2.0 200 " + reason + "\n" + """
                Via: SIP/2.0/UDP 198.51.100.198;branch=z9hG4bK8877q1
                Call-ID: unusualReason.88sd1j2k
                CSeq: 36 INVITE
                From: sip:pete@example.org;tag=3311
                To: sip:pete@example.edu;tag=4422
                Content-Length: {CL}
                Content-Type: application/sdp
                Contact: <sip:pete@host198.example.org>
                """, SDP);
            SipMessage m = parse(d);
            assertThat(m.isResponse()).isTrue();
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.reasonPhrase()).isEqualTo(reason);
            assertThat(STRICT.validate(m).ok()).isTrue();
            assertThat(m.topVia().host()).isEqualTo("198.51.100.198");
        }

        /** §3.1.1.13 Empty Reason Phrase. */
        @Test
        void emptyReasonPhrase() throws Exception {
            byte[] d = datagram("""
                SIP/2.0 100\s
                Via: SIP/2.0/UDP 198.51.100.105;branch=z9hG4bKempty
                Call-ID: emptyReason.9kd8sj
                CSeq: 36 INVITE
                From: <sip:pete@example.org>;tag=aa11
                To: <sip:pete@example.edu>;tag=bb22
                Content-Length: 0
                Contact: <sip:pete@host105.example.org>
                """);
            assertThat(text(d)).startsWith("SIP/2.0 100 \r\n");
            SipMessage m = parse(d);
            assertThat(m.statusCode()).isEqualTo(100);
            assertThat(m.reasonPhrase()).isEmpty();
            assertThat(STRICT.validate(m).ok()).isTrue();
        }
    }

    // ---- RFC 4475 §3.1.2 -------------------------------------------------------------------------------

    @Nested
    class Invalid {
        /** §3.1.2.1 Extraneous Header Field Separators. */
        @Test
        void extraneousSeparators() {
            assertAnswered(datagram("""
                INVITE sip:quinn@example.org SIP/2.0
                To: sip:q.uinn@example.org
                From: sip:rita@example.net;tag=551166
                Max-Forwards: 7
                Call-ID: extraSeparators.8kq2jd
                CSeq: 8 INVITE
                Via: SIP/2.0/UDP 198.51.100.15;;,;,,
                Contact: "Ken" <sip:ken@example.org>;;;;
                Content-Length: {CL}
                Content-Type: application/sdp
                """, SDP), 400, Violation.MALFORMED_VIA);
        }

        /** §3.1.2.2 Content Length Larger Than Message: 400 over UDP, wait over TCP. */
        @Test
        void contentLengthLargerThanMessage() throws Exception {
            String head = """
                INVITE sip:sam@example.org SIP/2.0
                Max-Forwards: 80
                To: sip:s.am@example.org
                From: sip:tina@example.net;tag=44221qq
                Contact: <sip:tina@hungry.example.net>
                Call-ID: tooLong.k2jd88@198.51.100.155
                CSeq: 8 INVITE
                Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bK-22-7731
                Content-Type: application/sdp
                Content-Length: 8888
                """;
            byte[] d = datagram(head, SDP);
            assertAnswered(d, 400, Violation.BODY_SHORTER_THAN_CONTENT_LENGTH);
            StreamFramer framer = new StreamFramer(SipLimits.DEFAULT);
            int[] delivered = {0};
            framer.feed(d, 0, d.length, new StreamFramer.Sink() {
                @Override
                public void message(byte[] buf, int off, int len) {
                    delivered[0]++;
                }

                @Override
                public void keepalive(boolean ping) {
                    delivered[0]++;
                }
            });
            assertThat(delivered[0]).isZero();
            assertThat(framer.buffered()).isEqualTo(d.length);
        }

        /** §3.1.2.3 Negative Content-Length (and a non-numeric one): 400, and an unframeable stream. */
        @Test
        void negativeContentLength() {
            String head = """
                INVITE sip:sam@example.org SIP/2.0
                Max-Forwards: 254
                To: sip:s.am@example.org
                From: sip:tina@example.net;tag=8181
                Call-ID: negativeLength.82kdj3
                CSeq: 0 INVITE
                Via: SIP/2.0/UDP 198.51.100.53;branch=z9hG4bKneg
                Contact: <sip:tina@example53.example.net>
                Content-Type: application/sdp
                Content-Length: -123
                """;
            assertAnswered(datagram(head, SDP), 400, Violation.BAD_CONTENT_LENGTH);
            assertAnswered(datagram(head.replace("-123", "five"), SDP), 400, Violation.BAD_CONTENT_LENGTH);
            byte[] d = datagram(head, SDP);
            StreamFramer framer = new StreamFramer(SipLimits.DEFAULT);
            SipParseException e = null;
            try {
                framer.feed(d, 0, d.length, null);
            } catch (SipParseException ex) {
                e = ex;
            }
            assertThat(e).isNotNull();
            assertThat(e.violation()).isEqualTo(Violation.BAD_CONTENT_LENGTH);
        }

        /** §3.1.2.4 Request Scalar Fields with Overlarge Values. */
        @Test
        void overlargeRequestScalars() {
            assertAnswered(datagram("""
                REGISTER sip:example.org SIP/2.0
                Via: SIP/2.0/TCP host77.example.org;branch=z9hG4bK9s8d7f
                To: <sip:uma@example.org>
                From: <sip:uma@example.org>;tag=abc9911
                CSeq: 18446744073709551617 REGISTER
                Call-ID: overlargeScalars.o8w7e6
                Max-Forwards: 301
                Expires: 99999999999999999999999999999999999999999999999999999999999999999999999999999999
                Contact: <sip:uma@host77.example.org>
                  ;expires=980709870987098709
                Content-Length: 0
                """), 400, Violation.MALFORMED_CSEQ);
        }

        /** §3.1.2.5 Response Scalar Fields with Overlarge Values: dropped. */
        @Test
        void overlargeResponseScalars() {
            assertDropped(datagram("""
                SIP/2.0 503 Service Unavailable
                Via: SIP/2.0/TCP host77.example.org;branch=z9hG4bKz8x7c6;received=198.51.100.77
                To: <sip:uma@example.org>
                From: <sip:vic@example.net>;tag=9sd8f7
                CSeq: 73786976294838206465 OPTIONS
                Call-ID: overlargeResponse.m3n4b5
                Retry-After: 8172635481726354817263548172635
                Warning: 2999 overthere "Still going"
                Content-Length: 0
                """), Violation.MALFORMED_CSEQ);
        }

        /** §3.1.2.6 Unterminated Quoted String in Display Name. */
        @Test
        void unterminatedQuotedDisplayName() {
            assertAnswered(datagram("""
                INVITE sip:wes@example.org SIP/2.0
                To: "Ms. W. Es <sip:w.es@example.org>
                From: sip:xena@example.net;tag=12121
                Max-Forwards: 10
                Call-ID: openQuote.lkj3
                Contact: <sip:xena@host59.example.net>
                CSeq: 8 INVITE
                Via: SIP/2.0/UDP 198.51.100.59:5050;branch=z9hG4bKquote
                Content-Type: application/sdp
                Content-Length: {CL}
                """, SDP), 400, Violation.MALFORMED_NAME_ADDR);
        }

        /** §3.1.2.7 &lt;&gt; Enclosing Request-URI. */
        @Test
        void angleBracketsAroundRequestUri() {
            assertAnswered(datagram("""
                INVITE <sip:yan@example.org> SIP/2.0
                To: sip:yan@example.org
                From: sip:zoe@example.net;tag=31337
                Max-Forwards: 23
                Call-ID: bracketedUri.1@198.51.100.5
                CSeq: 1 INVITE
                Via: SIP/2.0/UDP 198.51.100.5
                Contact: <sip:zoe@host5.example.net>
                Content-Type: application/sdp
                Content-Length: {CL}
                """, SDP), 400, Violation.BRACKETED_REQUEST_URI);
        }

        /** §3.1.2.8 Malformed SIP Request-URI (embedded LWS). */
        @Test
        void whitespaceInsideRequestUri() {
            assertAnswered(datagram("""
                INVITE sip:yan@example.org; lr SIP/2.0
                To: sip:yan@example.org;tag=7ab-22-zz
                From: sip:zoe@example.net;tag=98765
                Max-Forwards: 5
                Call-ID: lwsInUri.oiuy-2234
                CSeq: 2130706432 INVITE
                Via: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKlwsuri
                Contact: <sip:zoe@host1.example.net>
                Content-Type: application/sdp
                Content-Length: {CL}
                """, SDP), 400, Violation.MALFORMED_REQUEST_URI);
        }

        /** §3.1.2.9 Multiple SP Separating Request-Line Elements. */
        @Test
        void multipleSpacesInRequestLine() {
            byte[] d = datagram("""
                INVITE  sip:yan@example.org  SIP/2.0
                Max-Forwards: 8
                To: sip:yan@example.org
                From: sip:zoe@example.net;tag=5511
                Call-ID: manySpaces.kjh23@example.org
                CSeq: 1893884 INVITE
                Via: SIP/2.0/UDP host1.example.org;branch=z9hG4bKsp2
                Contact: <sip:zoe@host1.example.net>
                Content-Type: application/sdp
                Content-Length: {CL}
                """, SDP);
            assertAnswered(d, 400, Violation.EXTRA_WHITESPACE_IN_START_LINE);
            assertThat(outcome(LENIENT, d).ok()).isTrue();
        }

        /** §3.1.2.10 SP Characters at End of Request-Line. */
        @Test
        void trailingSpacesInRequestLine() {
            byte[] d = datagram("""
                OPTIONS sip:target@example.org SIP/2.0\s\s
                Via: SIP/2.0/TCP host1.example.org;branch=z9hG4bKtrail
                To: <sip:target@example.org>
                From: <sip:origin@example.org>;tag=0909
                Call-ID: trailingSpaces.5k4j3h
                Accept: application/sdp
                CSeq: 238923 OPTIONS
                Max-Forwards: 70
                Content-Length: 0
                """);
            assertThat(text(d)).startsWith("OPTIONS sip:target@example.org SIP/2.0  \r\n");
            assertAnswered(d, 400, Violation.EXTRA_WHITESPACE_IN_START_LINE);
        }

        /** §3.1.2.11 Escaped Headers in SIP Request-URI. */
        @Test
        void escapedHeadersInRequestUri() {
            assertAnswered(datagram("""
                INVITE sip:yan@example.org?Route=%3Csip:elsewhere.example.org%3E SIP/2.0
                To: sip:yan@example.org
                From: sip:zoe@example.net;tag=777111
                Max-Forwards: 7
                Contact: <sip:zoe@host39923.example.net>
                Call-ID: escapedRoute.2k3j4h5g
                CSeq: 149209342 INVITE
                Via: SIP/2.0/UDP host-of-the-day.example.org;branch=z9hG4bKescr
                Content-Type: application/sdp
                Content-Length: {CL}
                """, SDP), 400, Violation.HEADERS_IN_REQUEST_URI);
        }

        /** §3.1.2.12 Invalid Time Zone in Date Header Field: a proxy does not use Date and forwards. */
        @Test
        void invalidTimeZoneInDate() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                INVITE sip:yan@example.org SIP/2.0
                To: sip:yan@example.org
                From: sip:zoe@example.net;tag=2468
                Max-Forwards: 70
                Call-ID: badTimeZone.8k7j6h
                CSeq: 1392934 INVITE
                Via: SIP/2.0/UDP host.example.org;branch=z9hG4bKdate
                Date: Sat, 13 Mar 2021 10:00:00 PST
                Contact: <sip:zoe@host5.example.net>
                Content-Type: application/sdp
                Content-Length: {CL}
                """, SDP));
            assertThat(text(forward(m))).contains("\r\nDate: Sat, 13 Mar 2021 10:00:00 PST\r\n");
        }

        /** §3.1.2.13 Failure to Enclose name-addr URI in &lt;&gt;. */
        @Test
        void unbracketedUriWithEscapedHeader() {
            byte[] d = datagram("""
                REGISTER sip:example.org SIP/2.0
                To: sip:nina@example.org
                From: sip:nina@example.org;tag=443322
                Max-Forwards: 70
                Call-ID: noBrackets.k3j4h5@10.0.0.1
                CSeq: 1 REGISTER
                Via: SIP/2.0/UDP 198.51.100.133:5060;branch=z9hG4bKnobr
                Contact: sip:nina@example.org?Route=%3Csip:registrar.example.org%3E
                l: 0
                """);
            assertAnswered(d, 400, Violation.UNBRACKETED_URI_WITH_RESERVED);
        }

        /** §3.1.2.14 Spaces within addr-spec. */
        @Test
        void spacesWithinAddrSpec() {
            byte[] d = datagram("""
                OPTIONS sip:emmy@example.org SIP/2.0
                Via: SIP/2.0/UDP host4.example.com:5060;branch=z9hG4bKsp3
                Max-Forwards: 70
                From: "Hilbert, David" <sip:d.hilbert@example.com>;tag=818181
                To: "Noether, Emmy" < sip:emmy@example.org >
                Call-ID: spacedAddrSpec.a9s8d7f6
                Accept: application/sdp
                CSeq: 3923239 OPTIONS
                l: 0
                """);
            assertAnswered(d, 400, Violation.SPACES_IN_ADDR_SPEC);
        }

        /** §3.1.2.15 Non-token Characters in Display Name. */
        @Test
        void nonTokenCharactersInDisplayName() {
            String head = """
                OPTIONS sip:emmy@example.org SIP/2.0
                Via:     SIP/2.0/UDP d.example.com:5060;branch=z9hG4bKdn
                Max-Forwards:      70
                From:    Hilbert, David <sip:d.hilbert@example.com>;tag=27
                To:      Noether, Emmy <sip:emmy@example.org>
                Call-ID: nonToken.27182@d.example.com
                Accept: application/sdp
                CSeq:    3923239 OPTIONS
                l: 0
                """;
            assertAnswered(datagram(head), 400, Violation.UNQUOTED_DISPLAY_NAME_CHARS);
            // As in the RFC's archive, also without the empty line that should close the header section.
            byte[] unclosed = head.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
            assertAnswered(unclosed, 400, Violation.TRUNCATED_HEADERS);
            SipValidator.Verdict lenient = outcome(LENIENT, unclosed);
            assertThat(lenient.violation()).isEqualTo(Violation.UNQUOTED_DISPLAY_NAME_CHARS);
            assertThat(lenient.statusCode()).isEqualTo(400);
        }

        /** §3.1.2.16 Unknown Protocol Version. */
        @Test
        void unknownProtocolVersion() {
            assertAnswered(datagram("""
                OPTIONS sip:emmy@example.org SIP/8.0
                Via:     SIP/8.0/UDP d.example.com;branch=z9hG4bKv8
                Max-Forwards:     70
                From:    D. Hilbert <sip:d.hilbert@example.com>;tag=zz11
                To:      E. Noether <sip:emmy@example.org>
                Call-ID: unknownVersion.31415@d.example.com
                CSeq:    1 OPTIONS
                l: 0
                """), 505, Violation.UNSUPPORTED_VERSION);
        }

        /** §3.1.2.17 Start Line and CSeq Method Mismatch. */
        @Test
        void startLineAndCSeqMismatch() {
            assertAnswered(datagram("""
                OPTIONS sip:yan@example.org SIP/2.0
                To: sip:y.an@example.org
                From: sip:zoe@example.net;tag=55443
                Max-Forwards: 6
                Call-ID: methodMismatch.qw12er
                CSeq: 8 INVITE
                Via: SIP/2.0/UDP host.example.org;branch=z9hG4bKmm1
                l: 0
                """), 400, Violation.CSEQ_METHOD_MISMATCH);
        }

        /** §3.1.2.18 Unknown Method with CSeq Method Mismatch. */
        @Test
        void unknownMethodAndCSeqMismatch() {
            assertAnswered(datagram("""
                BRANDNEWMETHOD sip:yan@example.org SIP/2.0
                To: sip:y.an@example.org
                From: sip:zoe@example.net;tag=55443
                Max-Forwards: 6
                Call-ID: methodMismatch.as34df
                CSeq: 8 INVITE
                Contact: <sip:zoe@host.example.net>
                Via: SIP/2.0/UDP host.example.net;branch=z9hG4bKmm2
                Content-Type: application/sdp
                l: {CL}
                """, SDP), 501, Violation.CSEQ_METHOD_MISMATCH_UNKNOWN_METHOD);
        }

        /** §3.1.2.19 Overlarge Response Code: dropped. */
        @Test
        void overlargeResponseCode() {
            assertDropped(datagram("""
                SIP/2.0 8589934597 this should not crash anything
                Via: SIP/2.0/UDP 198.51.100.105;branch=z9hG4bKbig
                Call-ID: overlargeCode.p0o9i8
                CSeq: 353494 INVITE
                From: <sip:pete@example.org>;tag=aa11
                To: <sip:pete@example.edu>;tag=bb22
                Content-Length: 0
                Contact: <sip:pete@host105.example.org>
                """), Violation.BAD_STATUS_CODE);
        }

        /** The archive's undescribed extra message: a request line without SIP-Version, no Via or CSeq. */
        @Test
        void requestLineWithoutVersionAndNothingToAnswerWith() {
            assertDropped(datagram("""
                INVITE sip:abe@example.org
                TO : abe@example.org
                From: bea@example.com
                MaX-fOrWaRdS: 0068
                Call-ID: noVersion.0ha0i@198.51.100.1
                Xyzzy-2: this is the number eleven : 11
                Meaning: foo bar spam
                Foobar roobar
                Content-Length: {CL}
                Content-Type: application/sdp
                """, "v=0\ntesting=456\n"), Violation.MALFORMED_START_LINE);
        }
    }

    // ---- RFC 4475 §3.2 ---------------------------------------------------------------------------------

    @Nested
    class TransactionOddities {
        /** §3.2.1 Missing Transaction Identifier: 400 when strict, RFC 2543 matching when lenient. */
        @Test
        void missingTransactionIdentifier() throws Exception {
            byte[] d = datagram("""
                OPTIONS sip:yan@example.org SIP/2.0
                To: sip:yan@example.org
                From: sip:zoe@example.org;tag=10293
                Max-Forwards: 3
                Via: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bK
                Accept: application/sdp
                Call-ID: cookieOnly.q1w2e3r4
                CSeq: 8 OPTIONS
                l: 0
                """);
            SipMessage m = parse(d);
            assertThat(m.topVia().branch()).isEqualTo(Via.MAGIC_COOKIE);
            assertAnswered(d, 400, Violation.EMPTY_BRANCH);
            assertThat(outcome(LENIENT, d).ok()).isTrue();
        }
    }

    // ---- RFC 4475 §3.3 ---------------------------------------------------------------------------------

    @Nested
    class ApplicationLayer {
        /** §3.3.1 Missing Required Header Fields. */
        @Test
        void missingRequiredHeaders() {
            assertAnswered(datagram("""
                INVITE sip:yan@example.org SIP/2.0
                CSeq: 193942 INVITE
                Via: SIP/2.0/UDP 198.51.100.95;branch=z9hG4bKinsuf
                Content-Type: application/sdp
                l: {CL}
                """, SDP), 400, Violation.MISSING_HEADER);
        }

        /** §3.3.2 Request-URI with Unknown Scheme. */
        @Test
        void unknownRequestUriScheme() throws Exception {
            byte[] d = datagram("""
                OPTIONS unheardOfScheme:opaque-stuff-here SIP/2.0
                To: sip:yan@example.org
                From: sip:zoe@example.net;tag=512
                Max-Forwards: 3
                Call-ID: unknownScheme.zxcv
                CSeq: 3923423 OPTIONS
                Via: SIP/2.0/TCP host9.example.org;branch=z9hG4bKunk
                Content-Length: 0
                """);
            assertThat(parse(d).requestUri().scheme()).isEqualTo("unheardofscheme");
            assertAnswered(d, 416, Violation.UNSUPPORTED_URI_SCHEME);
        }

        /** §3.3.3 Request-URI with Known but Atypical Scheme. */
        @Test
        void knownButAtypicalScheme() {
            assertAnswered(datagram("""
                OPTIONS soap.beeps://198.51.100.103:3003 SIP/2.0
                To: sip:yan@example.org
                From: sip:zoe@example.net;tag=513
                Max-Forwards: 3
                Call-ID: atypicalScheme.asdf
                CSeq: 3923423 OPTIONS
                Via: SIP/2.0/TCP host9.example.org;branch=z9hG4bKnov
                Content-Length: 0
                """), 416, Violation.UNSUPPORTED_URI_SCHEME);
        }

        /** §3.3.4 Unknown URI Schemes in Header Fields: a proxy forwards. */
        @Test
        void unknownSchemesInHeaderFields() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                REGISTER sip:example.org SIP/2.0
                To: isbn:9780306406157
                From: <http://www.example.org/people/zoe>;tag=8080
                Call-ID: unknownSchemes.qwer@hyphen-host.example.org
                CSeq: 234902 REGISTER
                Max-Forwards: 70
                Via: SIP/2.0/UDP 198.51.100.21:5060;branch=z9hG4bKunks
                Contact: <name:Zoe_Zed>
                l: 0
                """));
            assertThat(m.to().uri().scheme()).isEqualTo("isbn");
            assertThat(m.from().uri().scheme()).isEqualTo("http");
            assertThat(NameAddr.parse(m.first(Header.CONTACT)).uri().scheme()).isEqualTo("name");
        }

        /** §3.3.5 Proxy-Require and Require: 420 listing the Proxy-Require tags. */
        @Test
        void proxyRequireAndRequire() {
            SipValidator.Verdict v = assertAnswered(datagram("""
                OPTIONS sip:yan@example.org SIP/2.0
                To: sip:y_an@example.org
                From: sip:zoe@example.net;tag=ab12cd
                Max-Forwards: 6
                Call-ID: extensions.zxcvbn
                Require: noUasKnowsThis, norThisOne
                Proxy-Require: noProxyKnowsThis, norDoesAnyProxyKnowThis
                CSeq: 8 OPTIONS
                Via: SIP/2.0/TLS fold-and-staple.example.org;branch=z9hG4bKext
                Content-Length: 0
                """), 420, Violation.BAD_EXTENSION);
            assertThat(v.unsupported()).containsExactly("noProxyKnowsThis", "norDoesAnyProxyKnowThis");
        }

        /** §3.3.6 Unknown Content-Type: a proxy forwards it like any INVITE. */
        @Test
        void unknownContentType() throws Exception {
            String body = "<voice>\n <g711 port=\"4443\"/>\n</voice>\n";
            SipMessage m = assertForwarded(datagram("""
                INVITE sip:yan@example.org SIP/2.0
                Contact: <sip:zoe@host5.example.net>
                To: sip:y.an@example.org
                From: sip:zoe@example.net;tag=112233
                Max-Forwards: 70
                Call-ID: unknownType.lkjhgf
                CSeq: 235448 INVITE
                Via: SIP/2.0/UDP somehost.example.org;branch=z9hG4bKut
                Content-Type: application/unknownformat
                Content-Length: {CL}
                """, body));
            assertThat(text(m.body())).isEqualTo(body.replace("\n", "\r\n"));
            forward(m);
        }

        /** §3.3.7 Unknown Authorization Scheme: forwarded with Authorization untouched. */
        @Test
        void unknownAuthorizationScheme() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                REGISTER sip:example.org SIP/2.0
                To: sip:y.an@example.org
                From: sip:y.an@example.org;tag=5544aa
                Max-Forwards: 8
                Call-ID: unknownAuth.poiuyt
                CSeq: 9338 REGISTER
                Via: SIP/2.0/TCP 198.51.100.253;branch=z9hG4bKauth
                Authorization: UnheardOfScheme opaque-data=here, more="x,y"
                Content-Length:0
                """));
            assertThat(m.values(Header.AUTHORIZATION)).containsExactly("UnheardOfScheme opaque-data=here, more=\"x,y\"");
            assertThat(text(forward(m))).contains("\r\nAuthorization: UnheardOfScheme opaque-data=here, more=\"x,y\"\r\n");
        }

        /** §3.3.8 Multiple Values in Single Value Required Fields. */
        @Test
        void multipleValuesInSingleValueFields() {
            assertAnswered(datagram("""
                INVITE sip:yan@company.example.org SIP/2.0
                Contact: <sip:zoe@host25.example.net>
                Via: SIP/2.0/UDP 198.51.100.25;branch=z9hG4bKmulti
                Max-Forwards: 70
                CSeq: 5 INVITE
                Call-ID: multiValues.11aa@198.51.100.1
                CSeq: 59 INVITE
                Call-ID: multiValues.22bb@198.51.100.2
                From: sip:zoe@example.com;tag=1212
                To: sip:yan@example.org
                To: sip:other@example.net
                From: sip:zoe@example.net;tag=3434
                Content-Type: application/sdp
                l: {CL}
                Contact: <sip:zoe@host36.example.net>
                Max-Forwards: 5
                """, SDP), 400, Violation.DUPLICATE_HEADER);
        }

        /** §3.3.9 Multiple Content-Length Values: 400, and an unframeable stream. */
        @Test
        void multipleContentLengthValues() {
            byte[] d = datagram("""
                OPTIONS sip:yan@example.org SIP/2.0
                Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKmcl
                To: sip:yan@example.org
                From: sip:other@example.net;tag=9988
                Call-ID: twoLengths.zaqxsw
                CSeq: 15932 OPTIONS
                Content-Length: 15
                Max-Forwards: 60
                Content-Length: 6
                Content-Type: text/plain
                """, "Nobody can tell how many octets belong here.\n");
            assertAnswered(d, 400, Violation.CONFLICTING_CONTENT_LENGTH);
            SipParseException e = null;
            try {
                new StreamFramer(SipLimits.DEFAULT).feed(d, 0, d.length, null);
            } catch (SipParseException ex) {
                e = ex;
            }
            assertThat(e).isNotNull();
            assertThat(e.violation()).isEqualTo(Violation.CONFLICTING_CONTENT_LENGTH);
        }

        /**
         * §3.3.10 200 OK with a broadcast Via. The codec accepts it and exposes the broadcast sent-by; refusing
         * to relay a response toward 255.255.255.255 is for the forwarding layer, which alone knows its Vias.
         */
        @Test
        void broadcastViaInAResponse() throws Exception {
            SipMessage m = parse(datagram("""
                SIP/2.0 200 OK
                Via: SIP/2.0/UDP 198.51.100.198;branch=z9hG4bK9988a
                Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK7766b
                Call-ID: broadcastVia.lkjpoi
                CSeq: 35 INVITE
                From: sip:pete@example.org;tag=3311
                To: sip:pete@example.edu;tag=4422
                Content-Length: {CL}
                Content-Type: application/sdp
                Contact: <sip:pete@host28.example.org>
                """, SDP));
            assertThat(m.isResponse()).isTrue();
            assertThat(STRICT.validate(m).ok()).isTrue();
            assertThat(m.vias().get(1).host()).isEqualTo("255.255.255.255");
            byte[] relayed = m.edit().popVia().toBytes();
            assertThat(parse(relayed).topVia().host()).isEqualTo("255.255.255.255");
        }

        /** §3.3.11 Max-Forwards of Zero: 483 at a proxy. */
        @Test
        void maxForwardsZero() throws Exception {
            byte[] d = datagram("""
                OPTIONS sip:yan@example.org SIP/2.0
                To: sip:yan@example.org
                From: sip:zoe@example.net;tag=0mf0
                Call-ID: zeroHops.mnbvcx
                CSeq: 39234321 OPTIONS
                Via: SIP/2.0/UDP host1.example.org;branch=z9hG4bKzero
                Max-Forwards: 0
                Content-Length: 0
                """);
            assertAnswered(d, 483, Violation.TOO_MANY_HOPS);
            assertThat(SipValidator.syntaxOnly(ComplianceMode.STRICT, SipLimits.DEFAULT).validate(parse(d)).ok()).isTrue();
        }

        /** §3.3.12 REGISTER with a Contact Header Parameter. */
        @Test
        void contactHeaderParameter() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                REGISTER sip:example.org SIP/2.0
                Via: SIP/2.0/UDP jupiter.example.org:5060;branch=z9hG4bKcp1
                Max-Forwards: 70
                From: sip:curie@example.org;tag=PoLoNiUm84
                To: sip:curie@example.org
                Call-ID: contactParam.31415@jupiter.example.org
                CSeq: 2 REGISTER
                Contact: sip:+15555550123@gw7.example.net;oddparam
                l: 0
                """));
            NameAddr c = NameAddr.parse(m.first(Header.CONTACT));
            assertThat(c.params().has("oddparam")).isTrue();
            assertThat(c.uri().params().has("oddparam")).isFalse();
            assertThat(text(forward(m))).contains("\r\nContact: sip:+15555550123@gw7.example.net;oddparam\r\n");
        }

        /** §3.3.13 REGISTER with a url-parameter. */
        @Test
        void contactUriParameter() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                REGISTER sip:example.org SIP/2.0
                Via: SIP/2.0/UDP jupiter.example.org:5060;branch=z9hG4bKcp2
                Max-Forwards: 70
                From: sip:curie@example.org;tag=992288
                To: sip:curie@example.org
                Call-ID: uriParam.27182@jupiter.example.org
                CSeq: 3 REGISTER
                Contact: <sip:+15555550123@gw7.example.net;oddparam>
                l: 0
                """));
            NameAddr c = NameAddr.parse(m.first(Header.CONTACT));
            assertThat(c.uri().params().has("oddparam")).isTrue();
            assertThat(c.params().has("oddparam")).isFalse();
        }

        /** §3.3.14 REGISTER with a URL Escaped Header: forwarded unchanged, no Route made of it. */
        @Test
        void contactWithEscapedHeader() throws Exception {
            byte[] d = datagram("""
                REGISTER sip:example.org SIP/2.0
                To: sip:nina@example.org
                From: sip:nina@example.org;tag=5
                Max-Forwards: 70
                Call-ID: escapedHeader.k3j4h5@198.51.100.1
                CSeq: 14398234 REGISTER
                Via: SIP/2.0/UDP host5.example.org;branch=z9hG4bKrte
                M: <sip:nina@example.org?Route=%3Csip:registrar.example.org%3E>
                L:0
                """);
            SipMessage m = assertForwarded(d);
            assertThat(NameAddr.parse(m.first(Header.CONTACT)).uri().headers())
                .isEqualTo("Route=%3Csip:registrar.example.org%3E");
            assertThat(m.has(Header.ROUTE)).isFalse();
            SipMessage out = parse(forward(m));
            assertThat(out.has(Header.ROUTE)).isFalse();
            assertThat(out.first(Header.CONTACT)).isEqualTo("<sip:nina@example.org?Route=%3Csip:registrar.example.org%3E>");
        }

        /** §3.3.15 Unacceptable Accept Offering: a proxy simply forwards. */
        @Test
        void unacceptableAccept() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                INVITE sip:yan@example.org SIP/2.0
                To: sip:y_an@example.org
                Contact: <sip:zoe@host15.example.net>
                From: sip:zoe@example.net;tag=acc
                Max-Forwards: 5
                Call-ID: badAccept.mnbv
                Accept: text/nobody-understands-this
                CSeq: 8 INVITE
                Via: SIP/2.0/UDP 198.51.100.15;branch=z9hG4bKacc
                Content-Length: {CL}
                Content-Type: application/sdp
                """, SDP));
            assertThat(m.first("Accept")).isEqualTo("text/nobody-understands-this");
            forward(m);
        }
    }

    // ---- RFC 4475 §3.4 ---------------------------------------------------------------------------------

    @Nested
    class Rfc2543Compat {
        /** §3.4.1 INVITE with RFC 2543 Syntax: no branch, no From tag, no Content-Length, no Max-Forwards. */
        @Test
        void rfc2543Invite() throws Exception {
            String sdp = "v=0\no=old 1 1 IN IP4 198.51.100.5\ns=-\nc=IN IP4 198.51.100.5\nt=0 0\nm=audio 49217 RTP/AVP 0\n";
            SipMessage m = assertForwarded(datagram("""
                INVITE sip:UserQ@example.org SIP/2.0
                Via: SIP/2.0/UDP oldgw.example.org
                From: <sip:+15555550111@legacy.client.example.net;user=phone>
                Record-Route: <sip:UserQ@example.org;maddr=ss9.example.org>
                To: sip:+15555550222@ss9.example.net;user=phone
                Call-ID: legacy2543.4242@legacy.client.example.net
                CSeq: 56 INVITE
                Content-Type: application/sdp
                """, sdp));
            assertThat(m.topVia().branch()).isNull();
            assertThat(m.topVia().hasRfc3261Branch()).isFalse();
            assertThat(m.from().tag()).isNull();
            assertThat(m.contentLength()).isEqualTo(-1);
            assertThat(m.maxForwards()).isEqualTo(-1);
            assertThat(text(m.body())).isEqualTo(sdp.replace("\n", "\r\n"));
            // Written without <>, the ";user=phone" belongs to the To header, not to its URI (RFC 3261 §20).
            assertThat(m.to().params().get("user")).isEqualTo("phone");
            assertThat(m.to().uri().params().size()).isZero();
            assertThat(m.from().uri().param("user")).isEqualTo("phone");
            SipMessage out = parse(forward(m));
            assertThat(out.maxForwards()).isEqualTo(70);
            assertThat(out.recordRoutes().get(0).uri().param("maddr")).isEqualTo("ss9.example.org");
        }
    }
}
