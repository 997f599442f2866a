package io.sipdispatch.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NameAddrTest {

    private static void assertFails(String value, Violation expected) {
        assertThatThrownBy(() -> NameAddr.parse(value)).isInstanceOfSatisfying(SipParseException.class,
            e -> assertThat(e.violation()).isEqualTo(expected));
    }

    @Nested
    class DisplayNames {
        @Test
        void quotedWithEscapedQuotesAndBackslash() throws Exception {
            NameAddr na = NameAddr.parse("\"Bob \\\"The Builder\\\" \\\\ Jr\" <sip:bob@example.net>;tag=77");
            assertThat(na.displayName()).isEqualTo("\"Bob \\\"The Builder\\\" \\\\ Jr\"");
            assertThat(na.uri().toString()).isEqualTo("sip:bob@example.net");
            assertThat(na.tag()).isEqualTo("77");
            assertThat(na.bracketed()).isTrue();
            assertThat(na.violation()).isNull();
        }

        @Test
        void quotedEndingInAnEscapedBackslash() throws Exception {
            NameAddr na = NameAddr.parse("\"J Doe \\\\\\\"\"       <sip:jd@example.com>");
            assertThat(na.displayName()).isEqualTo("\"J Doe \\\\\\\"\"");
            assertThat(na.uri().user()).isEqualTo("jd");
        }

        @Test
        void quotedWithCommaAngleBracketsAndControlCharacters() throws Exception {
            NameAddr na = NameAddr.parse("\"Smith, J <boss> \\" + (char) 7 + "\\" + (char) 0 + "\" <sip:js@example.com>");
            assertThat(na.displayName()).startsWith("\"Smith, J <boss>");
            assertThat(na.uri().host()).isEqualTo("example.com");
        }

        @Test
        void tokenDisplayName() throws Exception {
            NameAddr na = NameAddr.parse("Bob  Smith <sip:bob@example.net>");
            assertThat(na.displayName()).isEqualTo("Bob  Smith");
            assertThat(na.uri().user()).isEqualTo("bob");
        }

        @Test
        void tokenDisplayNameWithEveryTokenCharacter() throws Exception {
            NameAddr na = NameAddr.parse("tok1~` tok2'+_ tok3*%!.- <sip:plain@example.com>;tag=_t~1'+`*%!-.");
            assertThat(na.displayName()).isEqualTo("tok1~` tok2'+_ tok3*%!.-");
            assertThat(na.tag()).isEqualTo("_t~1'+`*%!-.");
        }

        @Test
        void noWhitespaceBeforeTheAngleBracket() throws Exception {
            NameAddr token = NameAddr.parse("caller<sip:caller@example.com>;tag=323");
            assertThat(token.displayName()).isEqualTo("caller");
            assertThat(token.uri().user()).isEqualTo("caller");
            assertThat(token.tag()).isEqualTo("323");
            NameAddr quoted = NameAddr.parse("\"Quoted\"<sip:q@example.com>");
            assertThat(quoted.displayName()).isEqualTo("\"Quoted\"");
            assertThat(quoted.uri().user()).isEqualTo("q");
        }

        @Test
        void noDisplayName() throws Exception {
            NameAddr na = NameAddr.parse("  <sip:nobody@example.com>;tag=1  ");
            assertThat(na.displayName()).isNull();
            assertThat(na.tag()).isEqualTo("1");
            assertThat(na.toString()).isEqualTo("<sip:nobody@example.com>;tag=1");
        }

        @Test
        void unterminatedQuoteIsMalformed() {
            assertFails("\"Mr. J. User <sip:j.user@example.com>", Violation.MALFORMED_NAME_ADDR);
            assertFails("\"ends in escape\\\"", Violation.MALFORMED_NAME_ADDR);
        }

        @Test
        void quotedDisplayNameMustBeFollowedByAnAngleBracket() {
            assertFails("\"Name\" sip:n@example.com", Violation.MALFORMED_NAME_ADDR);
            assertFails("\"Name\"", Violation.MALFORMED_NAME_ADDR);
        }

        @ParameterizedTest
        @ValueSource(strings = {"Bell, Alexander <sip:a.g.bell@example.com>;tag=43", "a@b <sip:x@example.com>",
            "Jo (home) <sip:jo@example.com>", "Jo\"s <sip:jo@example.com>", "Jo: <sip:jo@example.com>",
            "Jos\u00e9 <sip:jose@example.com>"})
        void unquotedDisplayNameWithNonTokenCharacters(String v) {
            assertFails(v, Violation.UNQUOTED_DISPLAY_NAME_CHARS);
        }
    }

    @Nested
    class AddrSpecForm {
        @Test
        void parametersAfterABareUriBelongToTheHeader() throws Exception {
            NameAddr na = NameAddr.parse("sip:bob@h.example;tag=abc;foo ; q = 0.5");
            assertThat(na.bracketed()).isFalse();
            assertThat(na.displayName()).isNull();
            assertThat(na.uri().toString()).isEqualTo("sip:bob@h.example");
            assertThat(na.uri().params().size()).isZero();
            assertThat(na.tag()).isEqualTo("abc");
            assertThat(na.params().has("foo")).isTrue();
            assertThat(na.params().get("foo")).isNull();
            assertThat(na.params().get("q")).isEqualTo("0.5");
            assertThat(na.toString()).isEqualTo("<sip:bob@h.example>;tag=abc;foo;q=0.5");
        }

        @Test
        void parametersInsideBracketsBelongToTheUri() throws Exception {
            NameAddr na = NameAddr.parse("<sip:+15555550100@gw.example.net;user=phone;oddparam>;tag=x");
            assertThat(na.uri().param("user")).isEqualTo("phone");
            assertThat(na.uri().params().has("oddparam")).isTrue();
            assertThat(na.params().has("oddparam")).isFalse();
            assertThat(na.params().size()).isEqualTo(1);
        }

        @Test
        void whitespaceAroundHeaderParameters() throws Exception {
            NameAddr na = NameAddr.parse("<sip:a@example.com> ;  tag  =  12 ;\texpires=60");
            assertThat(na.tag()).isEqualTo("12");
            assertThat(na.params().get("expires")).isEqualTo("60");
        }

        @Test
        void quotedParameterValue() throws Exception {
            NameAddr na = NameAddr.parse("<sip:a@example.com>;note=\"a;b,c\\\"d\";tag=9");
            assertThat(na.params().get("note")).isEqualTo("\"a;b,c\\\"d\"");
            assertThat(na.tag()).isEqualTo("9");
        }

        @Test
        void bareUriWithQuestionMarkIsRepairedAndReported() throws Exception {
            NameAddr na = NameAddr.parse("sip:user@example.com?Route=%3Csip:sip.example.com%3E");
            assertThat(na.violation()).isEqualTo(Violation.UNBRACKETED_URI_WITH_RESERVED);
            assertThat(Violation.UNBRACKETED_URI_WITH_RESERVED.tolerable()).isTrue();
            assertThat(na.uri().headers()).isEqualTo("Route=%3Csip:sip.example.com%3E");
            assertThat(na.uri().host()).isEqualTo("example.com");
        }

        @Test
        void bareUriWithCommaInTheUserIsReported() throws Exception {
            NameAddr na = NameAddr.parse("sip:a,b@example.com;tag=1");
            assertThat(na.violation()).isEqualTo(Violation.UNBRACKETED_URI_WITH_RESERVED);
            assertThat(na.uri().user()).isEqualTo("a,b");
        }

        @Test
        void bracketedUriWithQuestionMarkIsFine() throws Exception {
            NameAddr na = NameAddr.parse("<sip:user@example.com?Route=%3Csip:sip.example.com%3E>");
            assertThat(na.violation()).isNull();
            assertThat(na.uri().headers()).isEqualTo("Route=%3Csip:sip.example.com%3E");
        }

        @Test
        void twoAddressesInOneSingleValuedFieldDoNotParse() {
            assertFails("sip:user@example.com, sip:other@example.net", Violation.MALFORMED_NAME_ADDR);
        }
    }

    @Nested
    class Brackets {
        @Test
        void spacesInsideAngleBracketsAreRepairedAndReported() throws Exception {
            NameAddr na = NameAddr.parse("\"Watson, Thomas\" < sip:t.watson@example.org >");
            assertThat(na.violation()).isEqualTo(Violation.SPACES_IN_ADDR_SPEC);
            assertThat(na.uri().toString()).isEqualTo("sip:t.watson@example.org");
            assertThat(na.displayName()).isEqualTo("\"Watson, Thomas\"");
        }

        @Test
        void aSpaceOnOneSideIsEnough() throws Exception {
            assertThat(NameAddr.parse("<sip:a@example.org >").violation()).isEqualTo(Violation.SPACES_IN_ADDR_SPEC);
            assertThat(NameAddr.parse("<\tsip:a@example.org>").violation()).isEqualTo(Violation.SPACES_IN_ADDR_SPEC);
        }

        @Test
        void missingClosingBracket() {
            assertFails("<sip:a@example.com", Violation.MALFORMED_NAME_ADDR);
            assertFails("Name <sip:a@example.com;tag=1", Violation.MALFORMED_NAME_ADDR);
        }

        @Test
        void junkAfterTheClosingBracket() {
            assertFails("<sip:a@example.com>junk", Violation.MALFORMED_NAME_ADDR);
            assertFails("<sip:a@example.com>;", Violation.MALFORMED_NAME_ADDR);
            assertFails("<sip:a@example.com>;;;;", Violation.MALFORMED_NAME_ADDR);
            assertFails("<sip:a@example.com>;tag=\"open", Violation.MALFORMED_NAME_ADDR);
        }

        @ParameterizedTest
        @ValueSource(strings = {"<>", "<sip:>", "<sip:a b@example.com>", "sip:", "<sip:[2001:db8::1>", "", "   "})
        void badUriInside(String v) {
            assertFails(v, Violation.MALFORMED_NAME_ADDR);
        }
    }

    @Nested
    class Schemes {
        @Test
        void otherSchemesParse() throws Exception {
            assertThat(NameAddr.parse("isbn:2983792873").uri().scheme()).isEqualTo("isbn");
            NameAddr http = NameAddr.parse("<http://www.example.com>;tag=3234233");
            assertThat(http.uri().scheme()).isEqualTo("http");
            assertThat(http.tag()).isEqualTo("3234233");
            assertThat(NameAddr.parse("<name:John_Smith>").uri().isSip()).isFalse();
            NameAddr tel = NameAddr.parse("\"Desk\" <tel:+1-555-0100>;tag=t");
            assertThat(tel.uri().isTel()).isTrue();
            assertThat(tel.uri().user()).isEqualTo("+1-555-0100");
        }

        @Test
        void ipv6Host() throws Exception {
            NameAddr na = NameAddr.parse("\"Caller\" <sip:caller@[2001:db8::1]:5080>");
            assertThat(na.uri().host()).isEqualTo("[2001:db8::1]");
            assertThat(na.uri().port()).isEqualTo(5080);
            NameAddr bare = NameAddr.parse("sip:user@[2001:db8::10];tag=x");
            assertThat(bare.uri().hostAddress()).isEqualTo("2001:db8::10");
            assertThat(bare.tag()).isEqualTo("x");
        }

        @Test
        void toStringAlwaysBrackets() throws Exception {
            assertThat(NameAddr.parse("Al <sip:al@example.com>;tag=1").toString())
                .isEqualTo("Al <sip:al@example.com>;tag=1");
            assertThat(NameAddr.parse("sip:al@example.com;tag=1").toString()).isEqualTo("<sip:al@example.com>;tag=1");
        }
    }
}
