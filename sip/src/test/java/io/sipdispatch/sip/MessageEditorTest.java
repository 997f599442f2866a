package io.sipdispatch.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MessageEditorTest {

    /** The header section of the message most tests edit; '\n' stands for CRLF. */
    private static final String HEAD = """
        INVITE sip:bob@biloxi.example.com;transport=udp SIP/2.0
        Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;rport
        Via: SIP/2.0/TCP relay.example.net:5070;branch=z9hG4bK1
        Max-Forwards: 0068
        Route: <sip:lb.example.com;lr>, <sip:core.example.com;lr>
        To: Bob <sip:bob@biloxi.example.com>
        From: "Alice" <sip:alice@atlanta.example.com>;tag=1928301774
        Call-ID: ed1@pc33.atlanta.example.com
        cseq: 314159 INVITE
        X-Unknown :  ;;,,odd  value
        Content-Type: application/octet-stream
        Content-Length: 12
        """;

    /** A body with CRLF, NUL and a bare LF: it must come out untouched. */
    private static final byte[] BODY = {'v', '=', '0', '\r', '\n', 'x', 0, 'y', '\n', 'z', '\r', '\n'};

    private static byte[] crlf(String head) {
        return head.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Header section (text block, '\n' = CRLF), the empty line, then the body. */
    private static byte[] message(String head, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(crlf(head));
        out.writeBytes(new byte[] {'\r', '\n'});
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static SipMessage parse(byte[] b) throws SipParseException {
        return new SipParser().parseDatagram(b);
    }

    private static SipMessage base() throws SipParseException {
        return parse(message(HEAD, BODY));
    }

    private static SipMessage headOnly(String head) throws SipParseException {
        return parse(message(head, new byte[0]));
    }

    private static void assertBytes(byte[] actual, byte[] expected) {
        assertThat(new String(actual, StandardCharsets.ISO_8859_1))
            .isEqualTo(new String(expected, StandardCharsets.ISO_8859_1));
    }

    private static byte[] edited(String expectedHead) {
        return message(expectedHead, BODY);
    }

    @Test
    void noEditsGiveTheSameBytes() throws Exception {
        assertBytes(base().edit().toBytes(), message(HEAD, BODY));
    }

    @Nested
    class Vias {
        @Test
        void pushViaGoesAboveTheTopVia() throws Exception {
            byte[] out = base().edit().pushVia("SIP/2.0/UDP lb.example.com:5060;branch=z9hG4bKlb1").toBytes();
            assertBytes(out, edited(HEAD.replace("INVITE sip:bob@biloxi.example.com;transport=udp SIP/2.0\n",
                "INVITE sip:bob@biloxi.example.com;transport=udp SIP/2.0\n"
                    + "Via: SIP/2.0/UDP lb.example.com:5060;branch=z9hG4bKlb1\n")));
        }

        @Test
        void pushViaWithoutAnyViaGoesRightAfterTheStartLine() throws Exception {
            SipMessage m = headOnly("""
                OPTIONS sip:x@example.com SIP/2.0
                Call-ID: noVia
                l: 0
                """);
            assertBytes(m.edit().pushVia("SIP/2.0/TCP lb.example.com;branch=z9hG4bKn").toBytes(), message("""
                OPTIONS sip:x@example.com SIP/2.0
                Via: SIP/2.0/TCP lb.example.com;branch=z9hG4bKn
                Call-ID: noVia
                l: 0
                """, new byte[0]));
        }

        @Test
        void popViaRemovesTheWholeLineOfASingleValue() throws Exception {
            assertBytes(base().edit().popVia().toBytes(),
                edited(HEAD.replace("Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;rport\n", "")));
        }

        @Test
        void popViaOnAMultiValueLineRemovesOnlyTheFirstValue() throws Exception {
            SipMessage m = headOnly("""
                SIP/2.0 200 OK
                Via: SIP/2.0/UDP lb.example.com;branch=z9hG4bKlb ,  SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1
                Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK-9
                CSeq: 1 INVITE
                Content-Length: 0
                """);
            assertBytes(m.edit().popVia().toBytes(), message("""
                SIP/2.0 200 OK
                Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1
                Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK-9
                CSeq: 1 INVITE
                Content-Length: 0
                """, new byte[0]));
        }

        @Test
        void popViaOnAFoldedMultiValueLine() throws Exception {
            SipMessage m = headOnly("""
                SIP/2.0 180 Ringing
                v: SIP/2.0/UDP lb.example.com;branch=z9hG4bKlb,
                   SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-1
                l: 0
                """);
            assertBytes(m.edit().popVia().toBytes(), message("""
                SIP/2.0 180 Ringing
                v: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-1
                l: 0
                """, new byte[0]));
        }

        @Test
        void popViaWhenThereIsNoneChangesNothing() throws Exception {
            byte[] in = message("SIP/2.0 200 OK\nl: 0\n", new byte[0]);
            assertBytes(parse(in).edit().popVia().toBytes(), in);
        }

        @Test
        void setTopViaReceivedFillsAnEmptyRportAndAppendsReceived() throws Exception {
            assertBytes(base().edit().setTopViaReceived("192.0.2.101", 5062).toBytes(), edited(HEAD.replace(
                "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;rport\n",
                "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;rport=5062;received=192.0.2.101\n")));
        }

        @Test
        void setTopViaReceivedWithRportInTheMiddle() throws Exception {
            SipMessage m = headOnly("""
                OPTIONS sip:x@example.com SIP/2.0
                Via: SIP/2.0/UDP h.example.com ; rport ;branch=z9hG4bKm
                l: 0
                """);
            assertBytes(m.edit().setTopViaReceived("203.0.113.5", 40000).toBytes(), message("""
                OPTIONS sip:x@example.com SIP/2.0
                Via: SIP/2.0/UDP h.example.com ;rport=40000 ;branch=z9hG4bKm;received=203.0.113.5
                l: 0
                """, new byte[0]));
        }

        @Test
        void setTopViaReceivedWithoutRportParamAddsBoth() throws Exception {
            SipMessage m = headOnly("""
                OPTIONS sip:x@example.com SIP/2.0
                Via: SIP/2.0/UDP h.example.com;branch=z9hG4bKm
                l: 0
                """);
            assertBytes(m.edit().setTopViaReceived("203.0.113.5", 5060).toBytes(), message("""
                OPTIONS sip:x@example.com SIP/2.0
                Via: SIP/2.0/UDP h.example.com;branch=z9hG4bKm;rport=5060;received=203.0.113.5
                l: 0
                """, new byte[0]));
        }

        @Test
        void setTopViaReceivedWithNegativeRportLeavesRportAlone() throws Exception {
            assertBytes(base().edit().setTopViaReceived("192.0.2.101", -1).toBytes(), edited(HEAD.replace(
                "branch=z9hG4bKnashds8;rport\n", "branch=z9hG4bKnashds8;rport;received=192.0.2.101\n")));
        }

        @Test
        void setTopViaReceivedWithNullReceivedOnlyFillsRport() throws Exception {
            assertBytes(base().edit().setTopViaReceived(null, 7070).toBytes(), edited(HEAD.replace(
                "branch=z9hG4bKnashds8;rport\n", "branch=z9hG4bKnashds8;rport=7070\n")));
        }

        @Test
        void setTopViaReceivedReplacesExistingValues() throws Exception {
            SipMessage m = headOnly("""
                OPTIONS sip:x@example.com SIP/2.0
                Via: SIP/2.0/UDP h.example.com;received=10.9.9.9;rport=1111;branch=z9hG4bKm
                l: 0
                """);
            assertBytes(m.edit().setTopViaReceived("[2001:db8::9:255]", 2222).toBytes(), message("""
                OPTIONS sip:x@example.com SIP/2.0
                Via: SIP/2.0/UDP h.example.com;received=[2001:db8::9:255];rport=2222;branch=z9hG4bKm
                l: 0
                """, new byte[0]));
        }

        @Test
        void setTopViaReceivedOnAMultiValueLineEditsTheFirstValueOnly() throws Exception {
            SipMessage m = headOnly("""
                OPTIONS sip:x@example.com SIP/2.0
                Via: SIP/2.0/UDP a.example.com;rport;branch=z9hG4bKa  , SIP/2.0/UDP b.example.com;rport;branch=z9hG4bKb
                l: 0
                """);
            assertBytes(m.edit().setTopViaReceived("198.51.100.1", 5999).toBytes(), message("""
                OPTIONS sip:x@example.com SIP/2.0
                Via: SIP/2.0/UDP a.example.com;rport=5999;branch=z9hG4bKa;received=198.51.100.1  , \
                SIP/2.0/UDP b.example.com;rport;branch=z9hG4bKb
                l: 0
                """, new byte[0]));
        }

        @Test
        void setTopViaReceivedWithoutViaChangesNothing() throws Exception {
            byte[] in = message("OPTIONS sip:x@example.com SIP/2.0\nl: 0\n", new byte[0]);
            assertBytes(parse(in).edit().setTopViaReceived("192.0.2.1", 5060).toBytes(), in);
        }
    }

    @Nested
    class Routes {
        @Test
        void pushRecordRouteWithoutAnyGoesAtTheEndOfTheHeaders() throws Exception {
            assertBytes(base().edit().pushRecordRoute("sip:lb.example.com;lr").toBytes(), edited(HEAD.replace(
                "Content-Length: 12\n", "Content-Length: 12\nRecord-Route: <sip:lb.example.com;lr>\n")));
        }

        @Test
        void pushRecordRouteGoesAboveTheFirstRecordRoute() throws Exception {
            SipMessage m = headOnly("""
                INVITE sip:x@example.com SIP/2.0
                Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKa
                Record-Route: <sip:p2.example.com;lr>
                Record-Route: <sip:p3.example.com;lr>
                l: 0
                """);
            assertBytes(m.edit().pushRecordRoute("sip:lb.example.com;lr;transport=tcp").toBytes(), message("""
                INVITE sip:x@example.com SIP/2.0
                Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKa
                Record-Route: <sip:lb.example.com;lr;transport=tcp>
                Record-Route: <sip:p2.example.com;lr>
                Record-Route: <sip:p3.example.com;lr>
                l: 0
                """, new byte[0]));
        }

        @Test
        void popRouteOnAMultiValueLineRemovesOnlyTheFirstValue() throws Exception {
            assertBytes(base().edit().popRoute().toBytes(), edited(HEAD.replace(
                "Route: <sip:lb.example.com;lr>, <sip:core.example.com;lr>\n", "Route: <sip:core.example.com;lr>\n")));
        }

        @Test
        void popRouteDoesNotCutAtACommaInsideAngleBrackets() throws Exception {
            SipMessage m = headOnly("""
                BYE sip:x@example.com SIP/2.0
                Route: "lb, west" <sip:a,b@lb.example.com;lr>,<sip:next.example.com;lr>
                l: 0
                """);
            assertBytes(m.edit().popRoute().toBytes(), message("""
                BYE sip:x@example.com SIP/2.0
                Route: <sip:next.example.com;lr>
                l: 0
                """, new byte[0]));
        }

        @Test
        void popRouteRemovesASingleValueLine() throws Exception {
            SipMessage m = headOnly("""
                BYE sip:x@example.com SIP/2.0
                Route: <sip:lb.example.com;lr>
                Route: <sip:next.example.com;lr>
                l: 0
                """);
            assertBytes(m.edit().popRoute().toBytes(), message("""
                BYE sip:x@example.com SIP/2.0
                Route: <sip:next.example.com;lr>
                l: 0
                """, new byte[0]));
        }

        @Test
        void pushRouteGoesAboveTheFirstRouteOrAtTheEnd() throws Exception {
            assertBytes(base().edit().pushRoute("sip:edge.example.com;lr").toBytes(), edited(HEAD.replace(
                "Route: <sip:lb", "Route: <sip:edge.example.com;lr>\nRoute: <sip:lb")));
            SipMessage none = headOnly("BYE sip:x@example.com SIP/2.0\nl: 0\n");
            assertBytes(none.edit().pushRoute("sip:edge.example.com;lr").toBytes(),
                message("BYE sip:x@example.com SIP/2.0\nl: 0\nRoute: <sip:edge.example.com;lr>\n", new byte[0]));
        }
    }

    @Nested
    class MaxForwards {
        @Test
        void decrementKeepsTheLineAndDropsLeadingZeros() throws Exception {
            assertBytes(base().edit().decrementMaxForwards().toBytes(),
                edited(HEAD.replace("Max-Forwards: 0068\n", "Max-Forwards: 67\n")));
        }

        @Test
        void decrementAddsSeventyWhenAbsent() throws Exception {
            SipMessage m = headOnly("INVITE sip:x@example.com SIP/2.0\nCall-ID: c\nContent-Length: 0\n");
            assertBytes(m.edit().decrementMaxForwards().toBytes(), message(
                "INVITE sip:x@example.com SIP/2.0\nCall-ID: c\nContent-Length: 0\nMax-Forwards: 70\n", new byte[0]));
        }

        @Test
        void decrementNeverGoesBelowZero() throws Exception {
            SipMessage m = headOnly("INVITE sip:x@example.com SIP/2.0\nMax-Forwards:   0  \nl: 0\n");
            assertBytes(m.edit().decrementMaxForwards().toBytes(),
                message("INVITE sip:x@example.com SIP/2.0\nMax-Forwards:   0  \nl: 0\n", new byte[0]));
        }

        @Test
        void decrementOfAMalformedValueThrows() throws Exception {
            SipMessage m = headOnly("INVITE sip:x@example.com SIP/2.0\nMax-Forwards: 300\nl: 0\n");
            assertThatThrownBy(() -> m.edit().decrementMaxForwards()).isInstanceOfSatisfying(SipParseException.class,
                e -> assertThat(e.violation()).isEqualTo(Violation.MALFORMED_MAX_FORWARDS));
        }

        @Test
        void setReplacesOrAdds() throws Exception {
            assertBytes(base().edit().setMaxForwards(10).toBytes(),
                edited(HEAD.replace("Max-Forwards: 0068\n", "Max-Forwards: 10\n")));
            SipMessage m = headOnly("OPTIONS sip:x@example.com SIP/2.0\nl: 0\n");
            assertBytes(m.edit().setMaxForwards(5).toBytes(),
                message("OPTIONS sip:x@example.com SIP/2.0\nl: 0\nMax-Forwards: 5\n", new byte[0]));
        }
    }

    @Nested
    class RequestUri {
        @Test
        void setRequestUriReplacesOnlyTheUri() throws Exception {
            assertBytes(base().edit().setRequestUri("sip:bob@10.0.0.7:5080").toBytes(), edited(HEAD.replace(
                "INVITE sip:bob@biloxi.example.com;transport=udp SIP/2.0", "INVITE sip:bob@10.0.0.7:5080 SIP/2.0")));
        }

        @Test
        void setHostPortKeepsUserParamsAndHeaders() throws Exception {
            assertBytes(base().edit().setRequestUriHostPort("10.0.0.7", 5080).toBytes(), edited(HEAD.replace(
                "INVITE sip:bob@biloxi.example.com;transport=udp SIP/2.0",
                "INVITE sip:bob@10.0.0.7:5080;transport=udp SIP/2.0")));
        }

        @Test
        void setHostPortReplacesAnExistingPortOrRemovesIt() throws Exception {
            SipMessage m = headOnly("OPTIONS sips:a%40b:pw@old.example.com:5062;lr?X-A=1 SIP/2.0\nl: 0\n");
            assertBytes(m.edit().setRequestUriHostPort("new.example.com", -1).toBytes(),
                message("OPTIONS sips:a%40b:pw@new.example.com;lr?X-A=1 SIP/2.0\nl: 0\n", new byte[0]));
            SipMessage noUser = headOnly("OPTIONS SIP:old.example.com:1 SIP/2.0\nl: 0\n");
            assertBytes(noUser.edit().setRequestUriHostPort("192.0.2.44", 5060).toBytes(),
                message("OPTIONS SIP:192.0.2.44:5060 SIP/2.0\nl: 0\n", new byte[0]));
        }

        @Test
        void setHostPortWithIpv6() throws Exception {
            SipMessage m = headOnly("REGISTER sip:[2001:db8::10]:5070;transport=udp SIP/2.0\nl: 0\n");
            assertBytes(m.edit().setRequestUriHostPort("[2001:db8::99]", 5080).toBytes(),
                message("REGISTER sip:[2001:db8::99]:5080;transport=udp SIP/2.0\nl: 0\n", new byte[0]));
            SipMessage v4 = headOnly("REGISTER sip:user@[2001:db8::10] SIP/2.0\nl: 0\n");
            assertBytes(v4.edit().setRequestUriHostPort("192.0.2.8", -1).toBytes(),
                message("REGISTER sip:user@192.0.2.8 SIP/2.0\nl: 0\n", new byte[0]));
        }

        @Test
        void setHostPortOfATelUriIsRefused() throws Exception {
            SipMessage m = headOnly("INVITE tel:+15555550100 SIP/2.0\nl: 0\n");
            assertThatThrownBy(() -> m.edit().setRequestUriHostPort("gw.example.com", -1))
                .isInstanceOfSatisfying(SipParseException.class,
                    e -> assertThat(e.violation()).isEqualTo(Violation.UNSUPPORTED_URI_SCHEME));
        }

        @Test
        void aResponseHasNoRequestUri() throws Exception {
            SipMessage m = headOnly("SIP/2.0 200 OK\nl: 0\n");
            assertThatThrownBy(() -> m.edit().setRequestUri("sip:x@example.com")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> m.edit().setRequestUriHostPort("h", 1)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class AnyHeader {
        @Test
        void addHeaderAppendsBeforeTheEmptyLine() throws Exception {
            assertBytes(base().edit().addHeader("X-LB", "node-3; zone=a").toBytes(),
                edited(HEAD + "X-LB: node-3; zone=a\n"));
        }

        @Test
        void addHeaderFirstGoesRightAfterTheStartLine() throws Exception {
            assertBytes(base().edit().addHeaderFirst("X-First", "1").toBytes(), edited(HEAD.replace(
                "SIP/2.0\nVia", "SIP/2.0\nX-First: 1\nVia")));
        }

        @Test
        void removeHeaderRemovesEveryLineWhateverItsName() throws Exception {
            SipMessage m = headOnly("""
                OPTIONS sip:x@example.com SIP/2.0
                Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKa
                Call-ID: keep
                v: SIP/2.0/UDP b.example.com;branch=z9hG4bKb,
                 SIP/2.0/UDP c.example.com
                VIA : SIP/2.0/UDP d.example.com
                l: 0
                """);
            assertBytes(m.edit().removeHeader(Header.VIA).toBytes(),
                message("OPTIONS sip:x@example.com SIP/2.0\nCall-ID: keep\nl: 0\n", new byte[0]));
        }

        @Test
        void removeHeaderByName() throws Exception {
            assertBytes(base().edit().removeHeader("x-UNKNOWN").toBytes(),
                edited(HEAD.replace("X-Unknown :  ;;,,odd  value\n", "")));
            assertBytes(base().edit().removeHeader("max-forwards").toBytes(),
                edited(HEAD.replace("Max-Forwards: 0068\n", "")));
            assertBytes(base().edit().removeHeader("X-Absent").removeHeader(Header.RECORD_ROUTE).toBytes(),
                message(HEAD, BODY));
        }

        @Test
        void setHeaderValueKeepsTheNameAsWritten() throws Exception {
            SipMessage m = base();
            int i = m.indexOf(Header.CSEQ);
            assertBytes(m.edit().setHeaderValue(i, "314160 INVITE").toBytes(),
                edited(HEAD.replace("cseq: 314159 INVITE", "cseq: 314160 INVITE")));
        }

        @Test
        void setHeaderValueOfAFoldedLineReplacesAllItsContinuations() throws Exception {
            SipMessage m = headOnly("OPTIONS sip:x@example.com SIP/2.0\nSubject: one\n two\n\tthree\nl: 0\n");
            assertBytes(m.edit().setHeaderValue(0, "single").toBytes(),
                message("OPTIONS sip:x@example.com SIP/2.0\nSubject: single\nl: 0\n", new byte[0]));
        }
    }

    @Nested
    class Together {
        @Test
        void aProxysUsualEditsInOnePass() throws Exception {
            byte[] out = base().edit()
                .pushVia("SIP/2.0/UDP lb.example.com;branch=z9hG4bKlb77")
                .setTopViaReceived("192.0.2.101", 5062)
                .popRoute()
                .decrementMaxForwards()
                .pushRecordRoute("sip:lb.example.com;lr")
                .toBytes();
            String expected = """
                INVITE sip:bob@biloxi.example.com;transport=udp SIP/2.0
                Via: SIP/2.0/UDP lb.example.com;branch=z9hG4bKlb77
                Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;rport=5062;received=192.0.2.101
                Via: SIP/2.0/TCP relay.example.net:5070;branch=z9hG4bK1
                Max-Forwards: 67
                Route: <sip:core.example.com;lr>
                To: Bob <sip:bob@biloxi.example.com>
                From: "Alice" <sip:alice@atlanta.example.com>;tag=1928301774
                Call-ID: ed1@pc33.atlanta.example.com
                cseq: 314159 INVITE
                X-Unknown :  ;;,,odd  value
                Content-Type: application/octet-stream
                Content-Length: 12
                Record-Route: <sip:lb.example.com;lr>
                """;
            assertBytes(out, edited(expected));
            SipMessage again = parse(out);
            assertThat(again.vias()).extracting(Via::host)
                .containsExactly("lb.example.com", "pc33.atlanta.example.com", "relay.example.net");
            assertThat(again.vias().get(1).rport()).isEqualTo(5062);
            assertThat(again.body()).isEqualTo(BODY);
        }

        @Test
        void pushAndPopViaTouchTheSamePlaceWithoutOverlapping() throws Exception {
            byte[] out = base().edit().popVia().pushVia("SIP/2.0/UDP lb.example.com;branch=z9hG4bKx").toBytes();
            assertBytes(out, edited(HEAD.replace("Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;rport\n",
                "Via: SIP/2.0/UDP lb.example.com;branch=z9hG4bKx\n")));
        }

        @Test
        void twoInsertionsAtOnePlaceKeepTheirOrder() throws Exception {
            byte[] out = base().edit().addHeader("X-A", "1").pushRecordRoute("sip:lb.example.com;lr")
                .addHeader("X-B", "2").toBytes();
            assertBytes(out, edited(HEAD + "X-A: 1\nRecord-Route: <sip:lb.example.com;lr>\nX-B: 2\n"));
        }

        @Test
        void editsLeaveOutTrailingDatagramBytesAndLeadingCrlfs() throws Exception {
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            in.writeBytes(new byte[] {'\r', '\n', '\r', '\n'});
            in.writeBytes(message(HEAD, BODY));
            in.writeBytes("INVITE sip:joe@example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            SipMessage m = parse(in.toByteArray());
            assertBytes(m.edit().toBytes(), message(HEAD, BODY));
            assertBytes(m.edit().decrementMaxForwards().toBytes(),
                edited(HEAD.replace("Max-Forwards: 0068\n", "Max-Forwards: 67\n")));
        }

        @Test
        void lenientRequestLineIsWrittenAnewWithoutItsExtraSpaces() throws Exception {
            // RFC 4475 §3.1.2.9/10: a liberal element may accept extra SP but must not forward it.
            String in = "OPTIONS  sip:x@example.com   SIP/2.0  \r\nCall-ID: sp\r\nContent-Length: 0\r\n\r\n";
            SipMessage m = parse(in.getBytes(StandardCharsets.US_ASCII));
            assertThat(m.toleratedViolations()).contains(Violation.EXTRA_WHITESPACE_IN_START_LINE);
            assertThat(new String(m.edit().toBytes(), StandardCharsets.US_ASCII))
                .isEqualTo("OPTIONS sip:x@example.com SIP/2.0\r\nCall-ID: sp\r\nContent-Length: 0\r\n\r\n");
            assertThat(new String(m.edit().setRequestUriHostPort("10.0.0.2", 5070).toBytes(), StandardCharsets.US_ASCII))
                .startsWith("OPTIONS sip:x@10.0.0.2:5070 SIP/2.0\r\nCall-ID: sp\r\n");
        }

        @Test
        void writingTwiceGivesTheSameBytes() throws Exception {
            MessageEditor e = base().edit().setRequestUri("sip:c@example.org").pushVia("SIP/2.0/UDP lb;branch=z9hG4bKtw");
            assertThat(e.toBytes()).isEqualTo(e.toBytes());
        }

        @Test
        void appendingToAnUnterminatedLastLineDoesNotRunOnFromIt() throws Exception {
            // Tolerated in LENIENT mode: the datagram ends inside the last header line.
            String in = "OPTIONS sip:x@example.com SIP/2.0\r\nCall-ID: cut\r\nl: 0";
            SipMessage m = parse(in.getBytes(StandardCharsets.US_ASCII));
            assertThat(m.toleratedViolations()).containsExactly(Violation.TRUNCATED_HEADERS);
            byte[] out = m.edit().decrementMaxForwards().pushRecordRoute("sip:lb.example.com;lr").toBytes();
            assertThat(new String(out, StandardCharsets.US_ASCII)).isEqualTo(
                "OPTIONS sip:x@example.com SIP/2.0\r\nCall-ID: cut\r\nl: 0\r\nMax-Forwards: 70\r\n"
                    + "Record-Route: <sip:lb.example.com;lr>\r\n\r\n");
            SipMessage again = parse(out);
            assertThat(again.contentLength()).isZero();
            assertThat(again.maxForwards()).isEqualTo(70);
        }

        @Test
        void appendingToATerminatedSectionWithoutEmptyLine() throws Exception {
            String in = "OPTIONS sip:x@example.com SIP/2.0\r\nCall-ID: cut\r\nl: 0\r\n";
            SipMessage m = parse(in.getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(m.edit().addHeader("X-A", "1").toBytes(), StandardCharsets.US_ASCII))
                .isEqualTo(in + "X-A: 1\r\n\r\n");
        }

        @Test
        void bareLfLinesStayBareLf() throws Exception {
            String in = "MESSAGE sip:x@example.com SIP/2.0\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bKa\n"
                + "Content-Length: 2\n\nhi";
            SipMessage m = parse(in.getBytes(StandardCharsets.US_ASCII));
            byte[] out = m.edit().pushVia("SIP/2.0/UDP lb.example.com;branch=z9hG4bKlf").toBytes();
            assertThat(new String(out, StandardCharsets.US_ASCII)).isEqualTo("MESSAGE sip:x@example.com SIP/2.0\n"
                + "Via: SIP/2.0/UDP lb.example.com;branch=z9hG4bKlf\r\n"
                + "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKa\nContent-Length: 2\n\nhi");
        }
    }

    @Nested
    class Overlaps {
        @Test
        void sameScalarTwice() throws Exception {
            MessageEditor e = base().edit().setMaxForwards(3);
            assertThatThrownBy(() -> e.setMaxForwards(4)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> base().edit().decrementMaxForwards().decrementMaxForwards())
                .isInstanceOf(IllegalStateException.class);
        }

        @Test
        void popThenEditTheSameVia() throws Exception {
            assertThatThrownBy(() -> base().edit().popVia().setTopViaReceived("192.0.2.1", 1))
                .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> base().edit().popVia().popVia()).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> base().edit().removeHeader(Header.VIA).popVia())
                .isInstanceOf(IllegalStateException.class);
        }

        @Test
        void twoRequestUriRewrites() throws Exception {
            // The Request-URI is one value: the last rewrite wins, and host:port applies to the original URI.
            String out = new String(base().edit().setRequestUri("sip:a@example.com").setRequestUriHostPort("b", 1)
                .toBytes(), StandardCharsets.UTF_8);
            assertThat(out).startsWith("INVITE sip:bob@b:1;transport=udp SIP/2.0\r\n");
        }

        @Test
        void removeThenSetTheSameLine() throws Exception {
            SipMessage m = base();
            int i = m.indexOf(Header.CALL_ID);
            assertThatThrownBy(() -> m.edit().removeHeader(Header.CALL_ID).setHeaderValue(i, "x"))
                .isInstanceOf(IllegalStateException.class);
        }
    }
}
