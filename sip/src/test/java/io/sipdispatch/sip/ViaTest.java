package io.sipdispatch.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ViaTest {

    private static SipMessage message(String... viaLines) throws SipParseException {
        StringBuilder sb = new StringBuilder("OPTIONS sip:svc@example.com SIP/2.0\r\n");
        for (String v : viaLines) {
            sb.append(v).append("\r\n");
        }
        sb.append("Content-Length: 0\r\n\r\n");
        return new SipParser().parseDatagram(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    @Nested
    class OneValue {
        @Test
        void simple() throws Exception {
            Via v = Via.parse("SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK776asdhds");
            assertThat(v.protocol()).isEqualTo("SIP/2.0");
            assertThat(v.transport()).isEqualTo("UDP");
            assertThat(v.host()).isEqualTo("pc33.example.com");
            assertThat(v.port()).isEqualTo(5060);
            assertThat(v.branch()).isEqualTo("z9hG4bK776asdhds");
            assertThat(v.hasRfc3261Branch()).isTrue();
            assertThat(v.received()).isNull();
            assertThat(v.hasRport()).isFalse();
            assertThat(v.rport()).isEqualTo(-1);
            assertThat(v.maddr()).isNull();
            assertThat(v.toString()).isEqualTo("SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK776asdhds");
        }

        @Test
        void noPortNoParams() throws Exception {
            Via v = Via.parse("  SIP/2.0/TCP edge-1.example.net  ");
            assertThat(v.host()).isEqualTo("edge-1.example.net");
            assertThat(v.port()).isEqualTo(-1);
            assertThat(v.params().size()).isZero();
            assertThat(v.branch()).isNull();
            assertThat(v.hasRfc3261Branch()).isFalse();
        }

        @Test
        void whitespaceAroundSlashColonSemicolonAndEquals() throws Exception {
            Via v = Via.parse("SIP  /   2.0 /\tTCP     relay.example.com  :  5070   ;  branch  =   z9hG4bK9ikj8"
                + " ;\treceived = 198.51.100.9 ; rport");
            assertThat(v.protocol()).isEqualTo("SIP/2.0");
            assertThat(v.transport()).isEqualTo("TCP");
            assertThat(v.host()).isEqualTo("relay.example.com");
            assertThat(v.port()).isEqualTo(5070);
            assertThat(v.branch()).isEqualTo("z9hG4bK9ikj8");
            assertThat(v.received()).isEqualTo("198.51.100.9");
            assertThat(v.hasRport()).isTrue();
        }

        @Test
        void branchWithoutTheMagicCookie() throws Exception {
            Via v = Via.parse("SIP/2.0/UDP 192.0.2.2;branch=390skdjuw");
            assertThat(v.branch()).isEqualTo("390skdjuw");
            assertThat(v.hasRfc3261Branch()).isFalse();
            Via cookieOnly = Via.parse("SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK");
            assertThat(cookieOnly.branch()).isEqualTo(Via.MAGIC_COOKIE);
        }

        @Test
        void branchWithUnusualTokenCharacters() throws Exception {
            assertThat(Via.parse("SIP/2.0/TCP h.example.com;branch=z9hG4bK-.!%66*_+`'~").branch())
                .isEqualTo("z9hG4bK-.!%66*_+`'~");
        }

        @Test
        void rportWithAndWithoutValue() throws Exception {
            Via empty = Via.parse("SIP/2.0/UDP 10.1.1.1;rport;branch=z9hG4bKa");
            assertThat(empty.hasRport()).isTrue();
            assertThat(empty.rport()).isEqualTo(-1);
            Via filled = Via.parse("SIP/2.0/UDP 10.1.1.1;branch=z9hG4bKa;rport=5062;received=203.0.113.1");
            assertThat(filled.rport()).isEqualTo(5062);
            assertThat(filled.received()).isEqualTo("203.0.113.1");
            assertThat(Via.parse("SIP/2.0/UDP 10.1.1.1;rport=bad").rport()).isEqualTo(-1);
        }

        @Test
        void receivedIpv6WithAndWithoutBrackets() throws Exception {
            assertThat(Via.parse("SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKx").received())
                .isEqualTo("[2001:db8::9:255]");
            Via noBrackets = Via.parse("SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKx");
            assertThat(noBrackets.received()).isEqualTo("2001:db8::9:255");
            assertThat(noBrackets.branch()).isEqualTo("z9hG4bKx");
        }

        @Test
        void ipv6SentBy() throws Exception {
            Via v = Via.parse("SIP/2.0/UDP [2001:db8::9:1]:6050;branch=z9hG4bKas3-111");
            assertThat(v.host()).isEqualTo("[2001:db8::9:1]");
            assertThat(v.port()).isEqualTo(6050);
            Via mapped = Via.parse("SIP/2.0/UDP [::ffff:192.0.2.2];branch=z9hG4bKm");
            assertThat(mapped.host()).isEqualTo("[::ffff:192.0.2.2]");
            assertThat(mapped.port()).isEqualTo(-1);
        }

        @Test
        void maddrTtlAndUnknownParams() throws Exception {
            Via v = Via.parse("SIP/2.0/UDP mc.example.com;maddr=224.2.0.1;ttl=16;branch=z9hG4bKm;x-odd=\"q;v\";flag");
            assertThat(v.maddr()).isEqualTo("224.2.0.1");
            assertThat(v.params().get("ttl")).isEqualTo("16");
            assertThat(v.params().get("x-odd")).isEqualTo("\"q;v\"");
            assertThat(v.params().has("flag")).isTrue();
            assertThat(v.params().get("flag")).isNull();
            assertThat(v.params().size()).isEqualTo(5);
        }

        @ParameterizedTest
        @CsvSource({"UDP, UDP", "udp, UDP", "tcp, TCP", "tls, TLS", "TLS, TLS", "sctp, SCTP", "ws, WS", "WSS, WSS",
            "UNKNOWN, UNKNOWN", "Dccp-X, DCCP-X"})
        void transportsIncludingUnknownOnes(String written, String expected) throws Exception {
            Via v = Via.parse("SIP/2.0/" + written + " t.example.com;branch=z9hG4bKt");
            assertThat(v.transport()).isEqualTo(expected);
        }

        @Test
        void otherProtocolVersionIsKept() throws Exception {
            assertThat(Via.parse("SIP/7.0/UDP c.example.com;branch=z9hG4bKv").protocol()).isEqualTo("SIP/7.0");
            assertThat(Via.parse("sip/2.0/udp c.example.com").protocol()).isEqualTo("SIP/2.0");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "SIP/2.0/UDP", "SIP/2.0/UDP ", "SIP/2.0 host.example.com", "SIP/UDP host.example.com",
            "SIP2.0/UDP host.example.com", "SIP/2.0/UDPhost.example.com", "SIP/2.0/UDP host.example.com:99999",
            "SIP/2.0/UDP host.example.com:", "SIP/2.0/UDP host.example.com junk", "SIP/2.0/UDP host.example.com;",
            "SIP/2.0/UDP host.example.com;;branch=z9hG4bKa", "SIP/2.0/UDP 192.0.2.15;;", "SIP/2.0/UDP [2001:db8::1",
            "SIP/2.0/UDP host.example.com;branch=\"open", "SIP/2.0/UDP a.example.com, SIP/2.0/UDP b.example.com",
            "SIP/2.0/UDP @host", "/2.0/UDP h", "SIP/2.0/UDP h.example.com;received=[2001:db8::1"})
        void malformed(String value) {
            assertThatThrownBy(() -> Via.parse(value)).isInstanceOfSatisfying(SipParseException.class,
                e -> assertThat(e.violation()).isEqualTo(Violation.MALFORMED_VIA));
        }
    }

    @Nested
    class InAMessage {
        @Test
        void severalValuesOnOneLineAsSippWritesThem() throws Exception {
            SipMessage m = message("Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1, SIP/2.0/UDP 10.0.0.2:5061;branch=z9hG4bK-2");
            assertThat(m.lineCount(Header.VIA)).isEqualTo(1);
            assertThat(m.values(Header.VIA)).containsExactly(
                "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1", "SIP/2.0/UDP 10.0.0.2:5061;branch=z9hG4bK-2");
            List<Via> vias = m.vias();
            assertThat(vias).extracting(Via::host).containsExactly("10.0.0.1", "10.0.0.2");
            assertThat(vias).extracting(Via::port).containsExactly(5060, 5061);
            assertThat(m.topVia().branch()).isEqualTo("z9hG4bK-1");
        }

        @Test
        void severalLinesAndMixedForms() throws Exception {
            SipMessage m = message(
                "v: SIP/2.0/TCP a.example.com;branch=z9hG4bKa",
                "Via: SIP/2.0/UDP b.example.com;branch=z9hG4bKb,SIP/2.0/SCTP c.example.com;branch=z9hG4bKc",
                "VIA : SIP/2.0/TLS d.example.com;branch=z9hG4bKd");
            assertThat(m.vias()).extracting(Via::host)
                .containsExactly("a.example.com", "b.example.com", "c.example.com", "d.example.com");
            assertThat(m.vias()).extracting(Via::transport).containsExactly("TCP", "UDP", "SCTP", "TLS");
            assertThat(m.topVia().host()).isEqualTo("a.example.com");
        }

        @Test
        void foldedListWithWhitespaceEverywhere() throws Exception {
            SipMessage m = message(
                "Via  : SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw",
                "v:  SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8  ,\r\n"
                    + " SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239");
            List<Via> vias = m.vias();
            assertThat(vias).hasSize(3);
            assertThat(vias.get(0).host()).isEqualTo("192.0.2.2");
            assertThat(vias.get(0).transport()).isEqualTo("UDP");
            assertThat(vias.get(1).host()).isEqualTo("spindle.example.com");
            assertThat(vias.get(1).branch()).isEqualTo("z9hG4bK9ikj8");
            assertThat(vias.get(2).host()).isEqualTo("192.168.255.111");
            assertThat(vias.get(2).branch()).isEqualTo("z9hG4bK30239");
            assertThat(m.topVia().branch()).isEqualTo("390skdjuw");
        }

        @Test
        void foldedTopViaWithSeveralValues() throws Exception {
            SipMessage m = message("Via: SIP/2.0/UDP x.example.com\r\n ;branch=z9hG4bKx ,\r\n\tSIP/2.0/UDP y.example.com");
            assertThat(m.topVia().host()).isEqualTo("x.example.com");
            assertThat(m.topVia().branch()).isEqualTo("z9hG4bKx");
            assertThat(m.vias()).hasSize(2);
        }

        @Test
        void emptyValuesInTheListAreMalformed() throws Exception {
            SipMessage m = message("Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKok,,SIP/2.0/UDP 192.0.2.16");
            assertThat(m.topVia().host()).isEqualTo("192.0.2.15");
            assertThatThrownBy(m::vias).isInstanceOfSatisfying(SipParseException.class,
                e -> assertThat(e.violation()).isEqualTo(Violation.MALFORMED_VIA));
        }

        @Test
        void badTopViaThrowsFromTopVia() throws Exception {
            SipMessage m = message("Via: SIP/2.0/UDP");
            assertThatThrownBy(m::topVia).isInstanceOf(SipParseException.class);
        }
    }
}
