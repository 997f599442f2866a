package io.sipdispatch.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * One test per case of RFC 5118 (SIP Torture Test Messages for IPv6), with messages written for this test
 * after the RFC's (other addresses and names), and the outcome of a proxy in STRICT mode.
 * Text blocks' line ends become CRLF; {@code {CL}} stands for the body length.
 */
class Ipv6MessagesTest {
    private static final SipValidator STRICT = SipValidator.forProxy(ComplianceMode.STRICT, SipLimits.DEFAULT);
    private static final SipValidator LENIENT = SipValidator.forProxy(ComplianceMode.LENIENT, SipLimits.DEFAULT);

    private static byte[] datagram(String head, String body) {
        String b = body.replace("\n", "\r\n");
        String h = head.replace("{CL}", Integer.toString(b.getBytes(StandardCharsets.UTF_8).length)).replace("\n", "\r\n");
        return (h + "\r\n" + b).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] datagram(String head) {
        return datagram(head, "");
    }

    private static SipMessage parse(byte[] d) throws SipParseException {
        return new SipParser(SipLimits.DEFAULT).parseDatagram(d);
    }

    private static SipValidator.Verdict outcome(SipValidator v, byte[] d) {
        return v.validateDatagram(new SipParser(SipLimits.DEFAULT), d, 0, d.length);
    }

    private static SipMessage assertForwarded(byte[] d) throws SipParseException {
        SipMessage m = parse(d);
        assertThat(STRICT.validate(m).violation()).isNull();
        assertThat(STRICT.validate(m).ok()).isTrue();
        SipMessage out = parse(m.edit().pushVia("SIP/2.0/UDP [2001:db8::1b]:5060;branch=z9hG4bKlb6")
            .decrementMaxForwards().toBytes());
        assertThat(out.topVia().host()).isEqualTo("[2001:db8::1b]");
        assertThat(out.body()).isEqualTo(m.body());
        return m;
    }

    private static final String SDP_V6 = """
        v=0
        o=agent 1128884411 0 IN IP6 2001:db8::2a
        s=Morning status call
        c=IN IP6 2001:db8::2a
        t=3338481189 3370017201
        m=audio 7000 RTP/AVP 0
        a=rtpmap:0 PCMU/8000
        m=video 7002 RTP/AVP 96
        a=rtpmap:96 H264/90000
        """;

    @Nested
    class Rfc5118 {
        /** §4.1 Valid SIP Message with an IPv6 Reference. */
        @Test
        void ipv6Reference() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                REGISTER sip:[2001:db8::20] SIP/2.0
                To: sip:alex@example.org
                From: sip:alex@example.org;tag=6v1
                Via: SIP/2.0/UDP [2001:db8::7:1];branch=z9hG4bKv6good
                Call-ID: v6good.3318@host_a
                Max-Forwards: 70
                Contact: "Alex" <sip:alex@[2001:db8::3]>
                CSeq: 4411 REGISTER
                Content-Length: 0
                """));
            assertThat(m.requestUri().host()).isEqualTo("[2001:db8::20]");
            assertThat(m.requestUri().hostAddress()).isEqualTo("2001:db8::20");
            assertThat(m.requestUri().port()).isEqualTo(-1);
            assertThat(m.topVia().host()).isEqualTo("[2001:db8::7:1]");
            assertThat(m.topVia().port()).isEqualTo(-1);
            assertThat(NameAddr.parse(m.first(Header.CONTACT)).uri().hostAddress()).isEqualTo("2001:db8::3");
        }

        /** §4.2 Invalid SIP Message with an IPv6 Reference (no brackets): 400. */
        @Test
        void ipv6WithoutBrackets() {
            SipValidator.Verdict v = outcome(STRICT, datagram("""
                REGISTER sip:2001:db8::20 SIP/2.0
                To: sip:alex@example.org
                From: sip:alex@example.org;tag=6v2
                Via: SIP/2.0/UDP [2001:db8::7:1];branch=z9hG4bKv6bad
                Call-ID: v6bad.3318@host_a
                Max-Forwards: 70
                Contact: "Alex" <sip:alex@[2001:db8::3]>
                CSeq: 4411 REGISTER
                Content-Length: 0
                """));
            assertThat(v.violation()).isEqualTo(Violation.MALFORMED_REQUEST_URI);
            assertThat(v.statusCode()).isEqualTo(400);
        }

        /** §4.3 Port Ambiguous in a SIP URI: the last group is part of the address. */
        @Test
        void portAmbiguous() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                REGISTER sip:[2001:db8::20:5080] SIP/2.0
                To: sip:alex@example.org
                From: sip:alex@example.org;tag=6v3
                Via: SIP/2.0/UDP [2001:db8::7:1];branch=z9hG4bKv6amb
                Call-ID: v6ambiguous.3318@host_a
                Contact: "Alex" <sip:alex@[2001:db8::3]>
                Max-Forwards: 70
                CSeq: 4411 REGISTER
                Content-Length: 0
                """));
            assertThat(m.requestUri().hostAddress()).isEqualTo("2001:db8::20:5080");
            assertThat(m.requestUri().port()).isEqualTo(-1);
        }

        /** §4.4 Port Unambiguous in a SIP URI. */
        @Test
        void portUnambiguous() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                REGISTER sip:[2001:db8::20]:5080 SIP/2.0
                To: sip:alex@example.org
                From: sip:alex@example.org;tag=6v4
                Via: SIP/2.0/UDP [2001:db8::7:1];branch=z9hG4bKv6port
                Call-ID: v6port.3318@host_a
                Contact: "Alex" <sip:alex@[2001:db8::3]>
                Max-Forwards: 70
                CSeq: 4411 REGISTER
                Content-Length: 0
                """));
            assertThat(m.requestUri().hostAddress()).isEqualTo("2001:db8::20");
            assertThat(m.requestUri().port()).isEqualTo(5080);
            byte[] out = m.edit().setRequestUriHostPort("[2001:db8::99]", 5090).toBytes();
            assertThat(new String(out, StandardCharsets.US_ASCII)).startsWith("REGISTER sip:[2001:db8::99]:5090 SIP/2.0\r\n");
        }

        /** §4.5 IPv6 Reference Delimiters in the Via received Parameter. */
        @Test
        void receivedWithBrackets() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                BYE sip:[2001:db8::20] SIP/2.0
                To: sip:alex@example.org;tag=77yq
                From: sip:alex@example.org;tag=6v5
                Via: SIP/2.0/UDP [2001:db8::7:1];received=[2001:db8::7:ff];branch=z9hG4bKv6rcv1
                Call-ID: v6received1.3318@host_a
                Max-Forwards: 70
                CSeq: 322 BYE
                Content-Length: 0
                """));
            assertThat(m.topVia().received()).isEqualTo("[2001:db8::7:ff]");
            assertThat(m.topVia().branch()).isEqualTo("z9hG4bKv6rcv1");
        }

        /** §4.5 The same without delimiters. */
        @Test
        void receivedWithoutBrackets() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                OPTIONS sip:[2001:db8::20] SIP/2.0
                To: sip:alex@example.org
                From: sip:alex@example.org;tag=6v6
                Via: SIP/2.0/UDP [2001:db8::7:1];received=2001:db8::7:ff;branch=z9hG4bKv6rcv2
                Call-ID: v6received2.3318@host_a
                Max-Forwards: 70
                Contact: "Alex" <sip:alex@[2001:db8::7:1]>
                CSeq: 922 OPTIONS
                Content-Length: 0
                """));
            assertThat(m.topVia().received()).isEqualTo("2001:db8::7:ff");
            assertThat(m.topVia().branch()).isEqualTo("z9hG4bKv6rcv2");
            byte[] out = m.edit().setTopViaReceived("[2001:db8::7:fe]", -1).toBytes();
            assertThat(parse(out).topVia().received()).isEqualTo("[2001:db8::7:fe]");
        }

        /** §4.6 SIP Request with IPv6 Addresses in SDP Body. */
        @Test
        void ipv6InSdp() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                INVITE sip:alex@[2001:db8::20] SIP/2.0
                To: sip:alex@[2001:db8::20]
                From: sip:blair@example.org;tag=6v7
                Via: SIP/2.0/UDP [2001:db8::2a];branch=z9hG4bKv6sdp
                Call-ID: v6sdp.3318@host_a
                Contact: "Blair" <sip:blair@[2001:db8::2a]>
                CSeq: 8613 INVITE
                Max-Forwards: 70
                Content-Type: application/sdp
                Content-Length: {CL}
                """, SDP_V6));
            assertThat(m.to().uri().hostAddress()).isEqualTo("2001:db8::20");
            assertThat(new String(m.body(), StandardCharsets.US_ASCII)).contains("c=IN IP6 2001:db8::2a\r\n");
        }

        /** §4.7 Multiple IP Addresses in SIP Headers: order kept, IPv4 received on an IPv6 Via. */
        @Test
        void mixedAddressFamiliesInVias() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                BYE sip:alex@host.example.net SIP/2.0
                Via: SIP/2.0/UDP [2001:db8::7:1]:6060;branch=z9hG4bKv6m1
                Via: SIP/2.0/UDP 192.0.2.33;branch=z9hG4bKv4m2
                Via: SIP/2.0/TCP [2001:db8::7:ff];branch=z9hG4bKv6m3;received=192.0.2.201
                Call-ID: v6multi.3318@host_a
                Max-Forwards: 70
                CSeq: 89188 BYE
                To: sip:alex@example.net;tag=1177--99
                From: sip:blair@example.org;tag=6v8
                Content-Length: 0
                """));
            assertThat(m.vias()).extracting(Via::host).containsExactly("[2001:db8::7:1]", "192.0.2.33", "[2001:db8::7:ff]");
            assertThat(m.vias()).extracting(Via::port).containsExactly(6060, -1, -1);
            assertThat(m.vias().get(2).received()).isEqualTo("192.0.2.201");
            assertThat(m.vias().get(2).transport()).isEqualTo("TCP");
            SipMessage popped = parse(m.edit().popVia().toBytes());
            assertThat(popped.vias()).extracting(Via::host).containsExactly("192.0.2.33", "[2001:db8::7:ff]");
        }

        /** §4.8 Multiple IP Addresses in SDP. */
        @Test
        void mixedAddressFamiliesInSdp() throws Exception {
            String sdp = """
                v=0
                o=blair 280744731 28977632 IN IP4 host.example.org
                s=
                t=0 0
                m=audio 22336 RTP/AVP 0
                c=IN IP4 192.0.2.33
                m=video 6026 RTP/AVP 107
                c=IN IP6 2001:db8::2a
                a=rtpmap:107 H263-1998/90000
                """;
            SipMessage m = assertForwarded(datagram("""
                INVITE sip:alex@[2001:db8::20] SIP/2.0
                To: sip:alex@[2001:db8::20]
                From: sip:blair@example.org;tag=6v9
                Via: SIP/2.0/UDP [2001:db8::7:1];branch=z9hG4bKv6msdp
                Call-ID: v6multisdp.3318@host_a
                Contact: "Blair" <sip:blair@[2001:db8::7:1]>
                Max-Forwards: 70
                CSeq: 8913 INVITE
                Content-Type: application/sdp
                Content-Length: {CL}
                """, sdp));
            assertThat(m.bodyLength()).isEqualTo(m.contentLength());
        }

        /** §4.9 IPv4-Mapped IPv6 Addresses. */
        @Test
        void ipv4MappedIpv6() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                INVITE sip:alex@example.org SIP/2.0
                To: sip:alex@example.org
                From: sip:blair@west.example.org;tag=6v10
                Via: SIP/2.0/UDP [::ffff:192.0.2.77]:19900;branch=z9hG4bKmap1
                Via: SIP/2.0/UDP [::ffff:192.0.2.8];branch=z9hG4bKmap2
                Call-ID: v6mapped.3318@host_a
                Contact: "B. desk" <sip:blair@[::ffff:192.0.2.8]>
                CSeq: 613 INVITE
                Max-Forwards: 70
                Content-Type: application/sdp
                Content-Length: {CL}
                """, SDP_V6.replace("2001:db8::2a", "::ffff:192.0.2.8")));
            assertThat(m.topVia().host()).isEqualTo("[::ffff:192.0.2.77]");
            assertThat(m.topVia().port()).isEqualTo(19900);
            assertThat(m.vias().get(1).host()).isEqualTo("[::ffff:192.0.2.8]");
            assertThat(NameAddr.parse(m.first(Header.CONTACT)).uri().hostAddress()).isEqualTo("::ffff:192.0.2.8");
        }

        /** §4.10 IPv6 Reference Bug in RFC 3261 ABNF: three colons are tolerated. */
        @Test
        void threeColonsTolerated() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                OPTIONS sip:alex@[2001:db8:::192.0.2.9] SIP/2.0
                To: sip:alex@[2001:db8:::192.0.2.9]
                From: sip:alex@example.org;tag=6v11
                Via: SIP/2.0/UDP lab2.east.example.org;branch=z9hG4bKcolon3
                Call-ID: v6colons3.3318@host_a
                CSeq: 690 OPTIONS
                Max-Forwards: 70
                Content-Length: 0
                """));
            assertThat(m.requestUri().hostAddress()).isEqualTo("2001:db8:::192.0.2.9");
            assertThat(m.to().uri().hostAddress()).isEqualTo("2001:db8:::192.0.2.9");
        }

        /** §4.10 The same with the correct two colons. */
        @Test
        void twoColons() throws Exception {
            SipMessage m = assertForwarded(datagram("""
                OPTIONS sip:alex@[2001:db8::192.0.2.9] SIP/2.0
                To: sip:alex@[2001:db8::192.0.2.9]
                From: sip:alex@example.org;tag=6v12
                Via: SIP/2.0/UDP lab2.east.example.org;branch=z9hG4bKcolon2
                Call-ID: v6colons2.3318@host_a
                CSeq: 690 OPTIONS
                Max-Forwards: 70
                Content-Length: 0
                """));
            assertThat(m.requestUri().hostAddress()).isEqualTo("2001:db8::192.0.2.9");
        }
    }

    /** The RFC's message archive has bare LF line ends, some messages without the closing empty line. */
    @Nested
    class ArchiveForm {
        @Test
        void bareLfLineEndsAreAccepted() throws Exception {
            String msg = "REGISTER sip:[2001:db8::20] SIP/2.0\n"
                + "To: sip:alex@example.org\n"
                + "From: sip:alex@example.org;tag=lf1\n"
                + "Via: SIP/2.0/UDP [2001:db8::7:1];branch=z9hG4bKlf6\n"
                + "Call-ID: v6lf.3318@host_a\n"
                + "Max-Forwards: 70\n"
                + "Contact: \"Alex\" <sip:alex@[2001:db8::3]>\n"
                + "CSeq: 4411 REGISTER\n"
                + "Content-Length: 0\n"
                + "\n";
            SipMessage m = parse(msg.getBytes(StandardCharsets.US_ASCII));
            assertThat(STRICT.validate(m).ok()).isTrue();
            assertThat(m.requestUri().hostAddress()).isEqualTo("2001:db8::20");
        }

        @Test
        void missingClosingEmptyLineIsStrictlyA400ButLenientlyForwarded() {
            byte[] d = ("OPTIONS sip:alex@[2001:db8:::192.0.2.9] SIP/2.0\n"
                + "To: sip:alex@[2001:db8:::192.0.2.9]\n"
                + "From: sip:alex@example.org;tag=lf2\n"
                + "Via: SIP/2.0/UDP lab2.east.example.org;branch=z9hG4bKlf3\n"
                + "Call-ID: v6lfcolons.3318@host_a\n"
                + "CSeq: 690 OPTIONS\n"
                + "Max-Forwards: 70\n"
                + "Content-Length: 0\n").getBytes(StandardCharsets.US_ASCII);
            SipValidator.Verdict strict = outcome(STRICT, d);
            assertThat(strict.violation()).isEqualTo(Violation.TRUNCATED_HEADERS);
            assertThat(strict.statusCode()).isEqualTo(400);
            assertThat(outcome(LENIENT, d).ok()).isTrue();
        }

        @Test
        void contentLengthCountedWithCrlfButSentWithLfIsTooLarge() {
            String body = "v=0\no=agent 1 0 IN IP6 2001:db8::2a\ns=-\nc=IN IP6 2001:db8::2a\nt=0 0\nm=audio 7000 RTP/AVP 0\n";
            int crlfLength = body.replace("\n", "\r\n").length();
            byte[] d = ("INVITE sip:alex@[2001:db8::20] SIP/2.0\n"
                + "To: sip:alex@[2001:db8::20]\n"
                + "From: sip:blair@example.org;tag=lf4\n"
                + "Via: SIP/2.0/UDP [2001:db8::2a];branch=z9hG4bKlf4\n"
                + "Call-ID: v6lfsdp.3318@host_a\n"
                + "CSeq: 8613 INVITE\n"
                + "Max-Forwards: 70\n"
                + "Content-Type: application/sdp\n"
                + "Content-Length: " + crlfLength + "\n"
                + "\n" + body).getBytes(StandardCharsets.US_ASCII);
            SipValidator.Verdict v = outcome(STRICT, d);
            assertThat(v.violation()).isEqualTo(Violation.BODY_SHORTER_THAN_CONTENT_LENGTH);
            assertThat(v.statusCode()).isEqualTo(400);
        }
    }
}
