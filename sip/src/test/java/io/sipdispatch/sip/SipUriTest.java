package io.sipdispatch.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SipUriTest {

    @Nested
    class SipAndSips {
        @Test
        void everyPart() throws Exception {
            SipUri u = SipUri.parse(
                "sip:alice:s3cret@pbx.example.org:5061;transport=TLS;lr;maddr=10.0.0.1?Subject=hi&Priority=urgent");
            assertThat(u.scheme()).isEqualTo("sip");
            assertThat(u.isSip()).isTrue();
            assertThat(u.isSips()).isFalse();
            assertThat(u.isTel()).isFalse();
            assertThat(u.user()).isEqualTo("alice");
            assertThat(u.password()).isEqualTo("s3cret");
            assertThat(u.host()).isEqualTo("pbx.example.org");
            assertThat(u.hostAddress()).isEqualTo("pbx.example.org");
            assertThat(u.port()).isEqualTo(5061);
            assertThat(u.transport()).isEqualTo("tls");
            assertThat(u.param("transport")).isEqualTo("TLS");
            assertThat(u.lr()).isTrue();
            assertThat(u.param("lr")).isNull();
            assertThat(u.params().has("lr")).isTrue();
            assertThat(u.param("maddr")).isEqualTo("10.0.0.1");
            assertThat(u.params().size()).isEqualTo(3);
            assertThat(u.params().name(0)).isEqualTo("transport");
            assertThat(u.headers()).isEqualTo("Subject=hi&Priority=urgent");
        }

        @Test
        void hostOnly() throws Exception {
            SipUri u = SipUri.parse("sip:registrar.example.com");
            assertThat(u.user()).isNull();
            assertThat(u.password()).isNull();
            assertThat(u.host()).isEqualTo("registrar.example.com");
            assertThat(u.port()).isEqualTo(-1);
            assertThat(u.params().size()).isZero();
            assertThat(u.headers()).isNull();
            assertThat(u.transport()).isNull();
            assertThat(u.lr()).isFalse();
        }

        @Test
        void sipsAndSchemeCase() throws Exception {
            SipUri s = SipUri.parse("sips:bob@secure.example.com");
            assertThat(s.isSips()).isTrue();
            assertThat(s.isSip()).isTrue();
            SipUri upper = SipUri.parse("SIP:Bob@Example.COM");
            assertThat(upper.scheme()).isEqualTo("sip");
            assertThat(upper.isSip()).isTrue();
            assertThat(upper.user()).isEqualTo("Bob");
            assertThat(upper.host()).isEqualTo("Example.COM");
            assertThat(upper.toString()).isEqualTo("SIP:Bob@Example.COM");
        }

        @Test
        void ipv4HostAndPortBounds() throws Exception {
            assertThat(SipUri.parse("sip:192.0.2.4:0").port()).isZero();
            assertThat(SipUri.parse("sip:192.0.2.4:65535").port()).isEqualTo(65535);
            assertThat(SipUri.parse("sip:192.0.2.4:05060").port()).isEqualTo(5060);
            assertThat(SipUri.tryParse("sip:192.0.2.4:65536")).isNull();
        }

        @Test
        void paramNamesAreCaseInsensitiveAndTransportIsLowerCased() throws Exception {
            SipUri u = SipUri.parse("sip:h.example.com;LR;Transport=TCP;x-custom=A%42");
            assertThat(u.lr()).isTrue();
            assertThat(u.transport()).isEqualTo("tcp");
            assertThat(u.param("X-CUSTOM")).isEqualTo("A%42");
            assertThat(u.param("absent")).isNull();
        }

        @Test
        void userWithSemicolonAndQuestionMark() throws Exception {
            SipUri semi = SipUri.parse("sip:carol;ctx=c%40example.org@example.net");
            assertThat(semi.user()).isEqualTo("carol;ctx=c%40example.org");
            assertThat(semi.userUnescaped()).isEqualTo("carol;ctx=c@example.org");
            assertThat(semi.host()).isEqualTo("example.net");
            assertThat(semi.params().size()).isZero();

            SipUri q = SipUri.parse("sip:who?what@host.example;lr");
            assertThat(q.user()).isEqualTo("who?what");
            assertThat(q.host()).isEqualTo("host.example");
            assertThat(q.headers()).isNull();
            assertThat(q.lr()).isTrue();
        }

        @Test
        void userAndPasswordWithEveryAllowedCharacter() throws Exception {
            SipUri u = SipUri.parse(
                "sip:3_odd.USER~(yes!)&isn't+it$/so?,/;;*:&pw+is=2,odd!*pa$$wo~rd.(yes-it-is)@example.org");
            assertThat(u.user()).isEqualTo("3_odd.USER~(yes!)&isn't+it$/so?,/;;*");
            assertThat(u.password()).isEqualTo("&pw+is=2,odd!*pa$$wo~rd.(yes-it-is)");
            assertThat(u.host()).isEqualTo("example.org");
            assertThat(u.headers()).isNull();
        }

        @Test
        void headersWithEscapedRoute() throws Exception {
            SipUri u = SipUri.parse("sip:user@example.com?Route=%3Csip:edge.example.com%3E");
            assertThat(u.headers()).isEqualTo("Route=%3Csip:edge.example.com%3E");
            assertThat(SipUri.unescape(u.headers())).isEqualTo("Route=<sip:edge.example.com>");
            assertThat(u.params().size()).isZero();
        }

        @Test
        void equalityIsByTheWrittenForm() throws Exception {
            assertThat(SipUri.parse("sip:a@b.example")).isEqualTo(SipUri.parse("sip:a@b.example"));
            assertThat(SipUri.parse("sip:a@b.example").hashCode()).isEqualTo(SipUri.parse("sip:a@b.example").hashCode());
            assertThat(SipUri.parse("sip:a@b.example")).isNotEqualTo(SipUri.parse("sip:a@B.example"));
        }
    }

    @Nested
    class Ipv6 {
        @Test
        void referenceWithoutPort() throws Exception {
            SipUri u = SipUri.parse("sip:[2001:db8::10]");
            assertThat(u.host()).isEqualTo("[2001:db8::10]");
            assertThat(u.hostAddress()).isEqualTo("2001:db8::10");
            assertThat(u.port()).isEqualTo(-1);
        }

        @Test
        void referenceWithPort() throws Exception {
            SipUri u = SipUri.parse("sip:ted@[2001:db8::10]:5070;transport=udp");
            assertThat(u.user()).isEqualTo("ted");
            assertThat(u.host()).isEqualTo("[2001:db8::10]");
            assertThat(u.port()).isEqualTo(5070);
            assertThat(u.transport()).isEqualTo("udp");
        }

        @Test
        void lastGroupInsideTheBracketsIsNotAPort() throws Exception {
            SipUri u = SipUri.parse("sip:[2001:db8::10:5070]");
            assertThat(u.hostAddress()).isEqualTo("2001:db8::10:5070");
            assertThat(u.port()).isEqualTo(-1);
        }

        @Test
        void ipv4MappedAndThreeColonForms() throws Exception {
            assertThat(SipUri.parse("sip:ted@[::ffff:192.0.2.2]").hostAddress()).isEqualTo("::ffff:192.0.2.2");
            assertThat(SipUri.parse("sip:user@[2001:db8:::192.0.2.1]").hostAddress()).isEqualTo("2001:db8:::192.0.2.1");
            assertThat(SipUri.parse("sip:user@[2001:db8::192.0.2.1]").hostAddress()).isEqualTo("2001:db8::192.0.2.1");
            assertThat(SipUri.parse("sip:[::1]").hostAddress()).isEqualTo("::1");
        }

        @Test
        void ipv6ReferenceAsAParameterValue() throws Exception {
            SipUri u = SipUri.parse("sip:edge.example.com;maddr=[2001:db8::1];lr");
            assertThat(u.param("maddr")).isEqualTo("[2001:db8::1]");
            assertThat(u.lr()).isTrue();
            assertThat(SipUri.tryParse("sip:edge.example.com;maddr=[2001:db8::1")).isNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"sip:2001:db8::10", "sip:user@2001:db8::10", "sip:[2001:db8::10", "sip:[]",
            "sip:[1234]", "sip:[2001:db8::g1]", "sip:[2001:db8::1]x", "sip:[2001:db8::1]:", "sip:[::1]:99999"})
        void badIpv6Forms(String s) {
            assertThat(SipUri.tryParse(s)).isNull();
            assertThatThrownBy(() -> SipUri.parse(s)).isInstanceOfSatisfying(SipParseException.class,
                e -> assertThat(e.violation()).isEqualTo(Violation.MALFORMED_REQUEST_URI));
        }
    }

    @Nested
    class Escapes {
        @Test
        void userIsDecodedOnceNeverRecursively() throws Exception {
            SipUri u = SipUri.parse("sip:v%61lue%2541@example.com");
            assertThat(u.user()).isEqualTo("v%61lue%2541");
            assertThat(u.userUnescaped()).isEqualTo("value%41");
            assertThat(SipUri.unescape(u.userUnescaped())).isEqualTo("valueA");
        }

        @Test
        void escapedLettersEqualTheirCharacters() throws Exception {
            assertThat(SipUri.parse("sip:%6Aane@example.com").userUnescaped()).isEqualTo("jane");
            assertThat(SipUri.parse("sip:sip%3Abob%40example.org@proxy.example.net").userUnescaped())
                .isEqualTo("sip:bob@example.org");
            assertThat(SipUri.parse("sip:I%20have%20spaces@example.net").userUnescaped()).isEqualTo("I have spaces");
        }

        @Test
        void escapedNulDoesNotTruncate() throws Exception {
            SipUri one = SipUri.parse("sip:zero-%00-zero@example.com");
            assertThat(one.userUnescaped()).isEqualTo("zero-\0-zero").hasSize(11);
            assertThat(SipUri.parse("sip:%00@h.example.com").userUnescaped()).isEqualTo("\0");
            assertThat(SipUri.parse("sip:%00%00@h.example.com").userUnescaped()).isEqualTo("\0\0");
            assertThat(SipUri.parse("sip:%00@h.example.com")).isNotEqualTo(SipUri.parse("sip:%00%00@h.example.com"));
        }

        @Test
        void utf8Escapes() {
            assertThat(SipUri.unescape("caf%C3%A9")).isEqualTo("café");
        }

        @Test
        void unescapeLeavesIncompleteEscapesAlone() {
            assertThat(SipUri.unescape(null)).isNull();
            assertThat(SipUri.unescape("plain")).isEqualTo("plain");
            assertThat(SipUri.unescape("50%")).isEqualTo("50%");
            assertThat(SipUri.unescape("%4")).isEqualTo("%4");
            assertThat(SipUri.unescape("%zz%41")).isEqualTo("%zzA");
        }

        @ParameterizedTest
        @ValueSource(strings = {"sip:al%2@example.com", "sip:al%zz@example.com", "sip:al%@example.com",
            "sip:al:pw%g0@example.com", "sip:example.com?x=%G1", "sip:example.com?x=%4"})
        void badEscapesInUserPasswordOrHeaders(String s) {
            assertThat(SipUri.tryParse(s)).isNull();
        }
    }

    @Nested
    class OtherSchemes {
        @Test
        void telUri() throws Exception {
            SipUri u = SipUri.parse("tel:+1-212-555-0101;phone-context=example.com;ext=12");
            assertThat(u.isTel()).isTrue();
            assertThat(u.isSip()).isFalse();
            assertThat(u.scheme()).isEqualTo("tel");
            assertThat(u.user()).isEqualTo("+1-212-555-0101");
            assertThat(u.param("phone-context")).isEqualTo("example.com");
            assertThat(u.param("ext")).isEqualTo("12");
            assertThat(u.host()).isNull();
            assertThat(u.port()).isEqualTo(-1);
            assertThat(SipUri.parse("TEL:911").isTel()).isTrue();
            assertThat(SipUri.tryParse("tel:")).isNull();
            assertThat(SipUri.tryParse("tel:;x=1")).isNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"urn:service:sos", "weirdScheme:whatever-is-here", "soap.beep://192.0.2.103:3002",
            "name:John_Smith", "isbn:2983792873", "http://www.example.com/a?b=c", "x-y+z.w:1"})
        void unknownSchemesAreKeptOpaque(String s) throws Exception {
            SipUri u = SipUri.parse(s);
            assertThat(u.isSip()).isFalse();
            assertThat(u.isTel()).isFalse();
            assertThat(u.scheme()).isEqualTo(s.substring(0, s.indexOf(':')).toLowerCase(java.util.Locale.ROOT));
            assertThat(u.host()).isNull();
            assertThat(u.user()).isNull();
            assertThat(u.headers()).isNull();
            assertThat(u.toString()).isEqualTo(s);
        }
    }

    @Nested
    class Invalid {
        @ParameterizedTest
        @ValueSource(strings = {
            "", "sip", ":x", "1sip:a@b", "s_p:x", "foo:",                               // scheme
            "sip:", "sip:@example.com", "sip:user@", "sip::pw@example.com",           // user / host
            "sip:example.com:", "sip:example.com:abc", "sip:example.com:50 60",       // port
            "sip:example.com/path", "sip:example.com?", "sip:example.com;", "sip:example.com;=x", // rest
            "sip:a b@example.com", "sip:ab@example.com ;lr", "sip:a@example.com\t", " sip:a@example.com", // LWS
            "<sip:a@example.com>", "sip:a\"b@example.com", "sip:a@example.com;x=<y>", "sip:a|b@example.com",
            "sip:a^b@example.com", "sip:a{b}@example.com", "sip:a\\b@example.com", "sip:a`b@example.com"
        })
        void doesNotParse(String s) {
            assertThat(SipUri.tryParse(s)).isNull();
            assertThatThrownBy(() -> SipUri.parse(s)).isInstanceOfSatisfying(SipParseException.class, e -> {
                assertThat(e.violation()).isEqualTo(Violation.MALFORMED_REQUEST_URI);
                assertThat(e.partial()).isNull();
            });
        }
    }
}
