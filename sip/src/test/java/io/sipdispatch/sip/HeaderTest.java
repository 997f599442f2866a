package io.sipdispatch.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderTest {

    private static Stream<Header> known() {
        return Arrays.stream(Header.values()).filter(h -> h != Header.OTHER);
    }

    /** Every known header under its canonical name in four letter cases. */
    private static Stream<Arguments> fullNamesInAnyCase() {
        return known().flatMap(h -> {
            String n = h.canonicalName();
            return Stream.of(
                Arguments.of(n, h),
                Arguments.of(n.toLowerCase(Locale.ROOT), h),
                Arguments.of(n.toUpperCase(Locale.ROOT), h),
                Arguments.of(alternateCase(n), h));
        });
    }

    private static String alternateCase(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(i % 2 == 0 ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return sb.toString();
    }

    @Nested
    class FullNames {
        @ParameterizedTest(name = "{0} -> {1}")
        @MethodSource("io.sipdispatch.sip.HeaderTest#fullNamesInAnyCase")
        void everyFullNameInAnyCase(String name, Header expected) {
            assertThat(Header.of(name)).isEqualTo(expected);
            byte[] b = ("xx" + name + ":").getBytes(StandardCharsets.US_ASCII);
            assertThat(Header.of(b, 2, 2 + name.length())).isEqualTo(expected);
        }

        @Test
        void canonicalNamesAreTheRfcSpellings() {
            assertThat(Header.VIA.canonicalName()).isEqualTo("Via");
            assertThat(Header.CALL_ID.canonicalName()).isEqualTo("Call-ID");
            assertThat(Header.CSEQ.canonicalName()).isEqualTo("CSeq");
            assertThat(Header.MAX_FORWARDS.canonicalName()).isEqualTo("Max-Forwards");
            assertThat(Header.WWW_AUTHENTICATE.canonicalName()).isEqualTo("WWW-Authenticate");
            assertThat(Header.P_ASSERTED_IDENTITY.canonicalName()).isEqualTo("P-Asserted-Identity");
            assertThat(Header.OTHER.canonicalName()).isEmpty();
        }

        @Test
        void nameIsTrimmedInTheStringForm() {
            assertThat(Header.of("  Max-Forwards\t")).isEqualTo(Header.MAX_FORWARDS);
        }
    }

    @Nested
    class CompactForms {
        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({
            "v, VIA", "i, CALL_ID", "f, FROM", "t, TO", "m, CONTACT", "l, CONTENT_LENGTH",
            "c, CONTENT_TYPE", "e, CONTENT_ENCODING", "k, SUPPORTED", "s, SUBJECT", "o, EVENT",
            "r, REFER_TO", "b, REFERRED_BY", "u, ALLOW_EVENTS", "a, ACCEPT_CONTACT", "j, REJECT_CONTACT",
            "d, REQUEST_DISPOSITION", "x, SESSION_EXPIRES", "y, IDENTITY", "n, IDENTITY_INFO"
        })
        void everyCompactFormInBothCases(char letter, Header expected) {
            assertThat(Header.of(String.valueOf(letter))).isEqualTo(expected);
            assertThat(Header.of(String.valueOf(Character.toUpperCase(letter)))).isEqualTo(expected);
            assertThat(expected.compactForm()).isEqualTo(letter);
            byte[] b = {'V', 'i', 'a', (byte) letter, ':'};
            assertThat(Header.of(b, 3, 4)).isEqualTo(expected);
        }

        @Test
        void exactlyTwentyHeadersHaveACompactForm() {
            assertThat(known().filter(h -> h.compactForm() != '\0'))
                .extracting(Header::compactForm)
                .containsExactlyInAnyOrder('v', 'i', 'f', 't', 'm', 'l', 'c', 'e', 'k', 's', 'o', 'r', 'b', 'u',
                    'a', 'j', 'd', 'x', 'y', 'n');
            assertThat(Header.CSEQ.compactForm()).isEqualTo('\0');
            assertThat(Header.ROUTE.compactForm()).isEqualTo('\0');
        }

        @ParameterizedTest
        @ValueSource(strings = {"g", "h", "p", "q", "w", "z", "G", "Z", "1", "-", "%", "!", "~"})
        void otherSingleCharactersAreUnknown(String name) {
            assertThat(Header.of(name)).isEqualTo(Header.OTHER);
        }

        @ParameterizedTest
        @ValueSource(ints = {0x80, 0xc3, 0xe9, 0xff})
        void aSingleNonAsciiByteIsUnknownNotAnError(int b) {
            byte[] buf = {(byte) b};
            assertThat(Header.of(buf, 0, 1)).isEqualTo(Header.OTHER);
            assertThat(Header.of(String.valueOf((char) b))).isEqualTo(Header.OTHER);
        }
    }

    @Nested
    class UnknownNames {
        @ParameterizedTest
        @ValueSource(strings = {"X-Custom", "Vias", "Vi", "Call_ID", "Call-IDs", "CallID", "Content-Lengt",
            "Content-Length2", "To-", "Fromm", "NewFangledHeader", "C%6Fntact", "Max_Forwards", "Cseq1", "P-Asserted"})
        void unknownNamesAreOther(String name) {
            assertThat(Header.of(name)).isEqualTo(Header.OTHER);
        }

        @Test
        void emptyNameIsOther() {
            assertThat(Header.of("")).isEqualTo(Header.OTHER);
            assertThat(Header.of(new byte[] {'x'}, 1, 1)).isEqualTo(Header.OTHER);
        }

        @Test
        void unknownHeadersAreIndexedAndCarriedByteForByte() throws Exception {
            String text = "OPTIONS sip:svc@example.org SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 198.51.100.4;branch=z9hG4bKhdr1\r\n"
                + "X-Odd-Thing:  ;;,,;; whatever  \r\n"
                + "To: <sip:svc@example.org>\r\n"
                + "x-ODD-thing: second\r\n"
                + "l: 0\r\n"
                + "\r\n";
            SipMessage m = new SipParser().parseDatagram(text.getBytes(StandardCharsets.US_ASCII));
            assertThat(m.header(1)).isEqualTo(Header.OTHER);
            assertThat(m.headerName(1)).isEqualTo("X-Odd-Thing");
            assertThat(m.headerValue(1)).isEqualTo(";;,,;; whatever");
            assertThat(m.first("x-odd-thing")).isEqualTo(";;,,;; whatever");
            assertThat(m.values("X-ODD-THING")).containsExactly(";;,,;; whatever", "second");
            assertThat(m.indexOf("X-Odd-Thing")).isEqualTo(1);
            assertThat(m.indexOf("X-Absent")).isEqualTo(-1);
            assertThat(m.has(Header.OTHER)).isTrue();
            assertThat(m.toBytes()).isEqualTo(text.getBytes(StandardCharsets.US_ASCII));
            assertThat(m.edit().toBytes()).isEqualTo(text.getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Nested
    class InAMessage {
        @Test
        void everyCompactFormIsRecognisedOnAHeaderLine() throws Exception {
            String text = "INVITE sip:bob@example.net SIP/2.0\r\n"
                + "v: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKcmp\r\n"
                + "i: compact-1@example.net\r\n"
                + "f: <sip:al@example.net>;tag=1\r\n"
                + "T: <sip:bob@example.net>\r\n"
                + "m: <sip:al@192.0.2.9>\r\n"
                + "c: text/plain\r\n"
                + "E: gzip\r\n"
                + "k: timer, 100rel\r\n"
                + "s: hello\r\n"
                + "o: presence\r\n"
                + "r: <sip:carol@example.net>\r\n"
                + "b: <sip:al@example.net>\r\n"
                + "u: dialog\r\n"
                + "a: *;audio\r\n"
                + "j: *;video\r\n"
                + "d: proxy\r\n"
                + "x: 1800\r\n"
                + "y: \"abc\"\r\n"
                + "n: <https://example.net/cert>\r\n"
                + "l: 2\r\n"
                + "\r\n"
                + "hi";
            SipMessage m = new SipParser(new SipLimits(65_535, 32, 8_192, 70))
                .parseDatagram(text.getBytes(StandardCharsets.US_ASCII));
            assertThat(m.headerCount()).isEqualTo(20);
            Header[] expected = {Header.VIA, Header.CALL_ID, Header.FROM, Header.TO, Header.CONTACT,
                Header.CONTENT_TYPE, Header.CONTENT_ENCODING, Header.SUPPORTED, Header.SUBJECT, Header.EVENT,
                Header.REFER_TO, Header.REFERRED_BY, Header.ALLOW_EVENTS, Header.ACCEPT_CONTACT,
                Header.REJECT_CONTACT, Header.REQUEST_DISPOSITION, Header.SESSION_EXPIRES, Header.IDENTITY,
                Header.IDENTITY_INFO, Header.CONTENT_LENGTH};
            for (int i = 0; i < expected.length; i++) {
                assertThat(m.header(i)).as("line %d", i).isEqualTo(expected[i]);
            }
            assertThat(m.headerName(3)).isEqualTo("T");
            assertThat(m.callId()).isEqualTo("compact-1@example.net");
            assertThat(m.contentLength()).isEqualTo(2);
            assertThat(m.values(Header.SUPPORTED)).containsExactly("timer", "100rel");
            assertThat(m.first("Supported")).isEqualTo("timer, 100rel");
            assertThat(m.first("k")).isEqualTo("timer, 100rel");
            assertThat(new String(m.body(), StandardCharsets.US_ASCII)).isEqualTo("hi");
        }

        @Test
        void fullNamesInOddCaseAreRecognisedOnAHeaderLine() throws Exception {
            String text = "OPTIONS sip:x@example.com SIP/2.0\r\n"
                + "vIA: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKcase\r\n"
                + "MaX-fOrWaRdS: 12\r\n"
                + "cseq: 4 OPTIONS\r\n"
                + "CALL-id: case@192.0.2.1\r\n"
                + "fROM: <sip:y@example.com>;tag=a\r\n"
                + "tO: <sip:x@example.com>\r\n"
                + "content-LENGTH: 0\r\n"
                + "\r\n";
            SipMessage m = new SipParser().parseDatagram(text.getBytes(StandardCharsets.US_ASCII));
            assertThat(m.maxForwards()).isEqualTo(12);
            assertThat(m.cseq()).isEqualTo(new CSeq(4, "OPTIONS"));
            assertThat(m.callId()).isEqualTo("case@192.0.2.1");
            assertThat(m.topVia().branch()).isEqualTo("z9hG4bKcase");
            assertThat(m.from().tag()).isEqualTo("a");
            assertThat(m.contentLength()).isZero();
            assertThat(m.headerName(1)).isEqualTo("MaX-fOrWaRdS");
        }
    }

    @Nested
    class ListValued {
        @Test
        void listValuedHeadersAreTheCommaSeparatedOnes() {
            assertThat(Header.VIA.listValued()).isTrue();
            assertThat(Header.CONTACT.listValued()).isTrue();
            assertThat(Header.ROUTE.listValued()).isTrue();
            assertThat(Header.RECORD_ROUTE.listValued()).isTrue();
            assertThat(Header.PROXY_REQUIRE.listValued()).isTrue();
            assertThat(Header.REQUIRE.listValued()).isTrue();
            assertThat(Header.SUPPORTED.listValued()).isTrue();
            assertThat(Header.ALLOW.listValued()).isTrue();
        }

        @Test
        void fieldsWithCommasInsideAValueAreSingleValued() {
            assertThat(Header.AUTHORIZATION.listValued()).isFalse();
            assertThat(Header.PROXY_AUTHORIZATION.listValued()).isFalse();
            assertThat(Header.WWW_AUTHENTICATE.listValued()).isFalse();
            assertThat(Header.DATE.listValued()).isFalse();
            assertThat(Header.USER_AGENT.listValued()).isFalse();
            assertThat(Header.FROM.listValued()).isFalse();
            assertThat(Header.TO.listValued()).isFalse();
            assertThat(Header.CALL_ID.listValued()).isFalse();
            assertThat(Header.OTHER.listValued()).isFalse();
        }
    }
}
