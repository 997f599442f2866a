package io.sipdispatch.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SipValidatorTest {
    private static final SipValidator STRICT = SipValidator.forProxy(ComplianceMode.STRICT, SipLimits.DEFAULT);
    private static final SipValidator LENIENT = SipValidator.forProxy(ComplianceMode.LENIENT, SipLimits.DEFAULT);

    private static final String REQUEST_LINE = "INVITE sip:bob@biloxi.example.com SIP/2.0";
    private static final String[] GOOD_HEADERS = {
        "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds",
        "Max-Forwards: 70",
        "To: Bob <sip:bob@biloxi.example.com>",
        "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
        "CSeq: 314159 INVITE",
        "Contact: <sip:alice@pc33.atlanta.example.com>",
        "Content-Length: 0",
    };

    /** The good INVITE with the header line starting with {@code name + ":"} replaced (null value: removed). */
    private static String with(String startLine, String name, String value) {
        StringBuilder sb = new StringBuilder(startLine).append("\r\n");
        boolean replaced = false;
        for (String h : GOOD_HEADERS) {
            if (h.startsWith(name + ":")) {
                replaced = true;
                if (value != null) {
                    sb.append(name).append(": ").append(value).append("\r\n");
                }
            } else {
                sb.append(h).append("\r\n");
            }
        }
        if (!replaced && value != null) {
            sb.append(name).append(": ").append(value).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    private static String with(String name, String value) {
        return with(REQUEST_LINE, name, value);
    }

    private static String good() {
        return with("X-None", null);
    }

    private static SipMessage parse(String text) throws SipParseException {
        return new SipParser().parseDatagram(text.getBytes(StandardCharsets.UTF_8));
    }

    private static SipValidator.Verdict verdict(SipValidator v, String text) {
        byte[] d = text.getBytes(StandardCharsets.UTF_8);
        return v.validateDatagram(new SipParser(), d, 0, d.length);
    }

    private static void assertRejected(String text, Violation violation, int status) {
        SipValidator.Verdict v = verdict(STRICT, text);
        assertThat(v.ok()).isFalse();
        assertThat(v.violation()).isEqualTo(violation);
        assertThat(v.statusCode()).isEqualTo(status);
        assertThat(v.drop()).isEqualTo(status == Violation.DROP);
        assertThat(v.detail()).isNotBlank();
    }

    private static void assertRejectedInBothModes(String text, Violation violation, int status) {
        assertRejected(text, violation, status);
        SipValidator.Verdict lenient = verdict(LENIENT, text);
        assertThat(lenient.violation()).isEqualTo(violation);
        assertThat(lenient.statusCode()).isEqualTo(status);
    }

    private static void assertToleratedOnlyWhenLenient(String text, Violation violation) {
        assertThat(violation.tolerable()).isTrue();
        assertRejected(text, violation, 400);
        SipValidator.Verdict lenient = verdict(LENIENT, text);
        assertThat(lenient.ok()).as("LENIENT accepts %s", violation).isTrue();
        assertThat(lenient).isSameAs(SipValidator.Verdict.OK);
    }

    @Test
    void goodRequestIsOk() throws Exception {
        SipValidator.Verdict v = STRICT.validate(parse(good()));
        assertThat(v.ok()).isTrue();
        assertThat(v.drop()).isFalse();
        assertThat(v.statusCode()).isEqualTo(200);
        assertThat(v.violation()).isNull();
        assertThat(v.unsupported()).isEmpty();
        assertThat(STRICT.mode()).isEqualTo(ComplianceMode.STRICT);
        assertThat(LENIENT.mode()).isEqualTo(ComplianceMode.LENIENT);
    }

    @Test
    void modeDecidesOnlyForTolerableViolations() {
        for (Violation v : Violation.values()) {
            assertThat(ComplianceMode.STRICT.rejects(v)).isTrue();
            assertThat(ComplianceMode.LENIENT.rejects(v)).isEqualTo(!v.tolerable());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "MESSAGE_TOO_LARGE, 513, false", "TOO_MANY_HEADERS, 400, false", "HEADER_LINE_TOO_LONG, 400, false",
        "TOO_MANY_VIAS, 400, false", "TRUNCATED_HEADERS, 400, true", "MALFORMED_HEADER_LINE, 400, false",
        "BAD_CONTENT_LENGTH, 400, false", "CONFLICTING_CONTENT_LENGTH, 400, false",
        "BODY_SHORTER_THAN_CONTENT_LENGTH, 400, false", "MISSING_CONTENT_LENGTH_ON_STREAM, 400, false",
        "MALFORMED_START_LINE, 400, false", "EXTRA_WHITESPACE_IN_START_LINE, 400, true",
        "UNSUPPORTED_VERSION, 505, false", "BAD_STATUS_CODE, 0, false", "MALFORMED_RESPONSE, 0, false",
        "MALFORMED_REQUEST_URI, 400, false", "BRACKETED_REQUEST_URI, 400, false",
        "HEADERS_IN_REQUEST_URI, 400, false", "UNSUPPORTED_URI_SCHEME, 416, false", "MISSING_HEADER, 400, false",
        "DUPLICATE_HEADER, 400, false", "MALFORMED_CSEQ, 400, false", "CSEQ_METHOD_MISMATCH, 400, false",
        "CSEQ_METHOD_MISMATCH_UNKNOWN_METHOD, 501, false", "MALFORMED_MAX_FORWARDS, 400, false",
        "MALFORMED_VIA, 400, false", "EMPTY_BRANCH, 400, true", "MALFORMED_NAME_ADDR, 400, false",
        "UNQUOTED_DISPLAY_NAME_CHARS, 400, false", "SPACES_IN_ADDR_SPEC, 400, true",
        "UNBRACKETED_URI_WITH_RESERVED, 400, true", "TOO_MANY_HOPS, 483, false", "BAD_EXTENSION, 420, false"
    })
    void everyViolationHasItsStatusCode(Violation v, int status, boolean tolerable) {
        assertThat(v.statusCode()).isEqualTo(status);
        assertThat(v.tolerable()).isEqualTo(tolerable);
        assertThat(v.reason()).isNotBlank();
        if (status != Violation.DROP) {
            assertThat(v.reasonPhrase()).isEqualTo(StatusCodes.reasonPhrase(status)).doesNotStartWith("Status");
        } else {
            assertThat(v.reasonPhrase()).isEmpty();
        }
    }

    @Test
    void everyViolationIsListedInTheTable() {
        assertThat(Violation.values()).hasSize(33);
    }

    @Nested
    class StartLine {
        @Test
        void extraWhitespace() {
            assertToleratedOnlyWhenLenient(good().replace("INVITE sip:", "INVITE   sip:"),
                Violation.EXTRA_WHITESPACE_IN_START_LINE);
            assertToleratedOnlyWhenLenient(good().replace(" SIP/2.0\r\nVia", " SIP/2.0 \r\nVia"),
                Violation.EXTRA_WHITESPACE_IN_START_LINE);
        }

        @Test
        void truncatedHeaderSection() {
            String g = good();
            assertToleratedOnlyWhenLenient(g.substring(0, g.length() - 2), Violation.TRUNCATED_HEADERS);
        }

        @Test
        void bracketedRequestUri() {
            assertRejected(with("INVITE <sip:bob@biloxi.example.com> SIP/2.0", "X-None", null),
                Violation.BRACKETED_REQUEST_URI, 400);
        }

        @ParameterizedTest
        @ValueSource(strings = {"sip:2001:db8::10", "sip:bob@", "sip:bo%zb@biloxi.example.com", "sip:[::1",
            "sip:bob@biloxi.example.com;=x", "nonsense", "tel:"})
        void malformedRequestUri(String uri) {
            assertRejectedInBothModes(with("INVITE " + uri + " SIP/2.0", "X-None", null),
                Violation.MALFORMED_REQUEST_URI, 400);
        }

        @Test
        void headersInRequestUri() {
            assertRejectedInBothModes(with("INVITE sip:bob@biloxi.example.com?Route=%3Csip:evil.example.com%3E SIP/2.0",
                "X-None", null), Violation.HEADERS_IN_REQUEST_URI, 400);
        }

        @ParameterizedTest
        @ValueSource(strings = {"nobodyKnowsThisScheme:totallyopaquecontent", "soap.beep://192.0.2.103:3002",
            "http://www.example.com/", "urn:service:sos", "mailto:bob@example.com"})
        void unsupportedScheme(String uri) {
            assertRejectedInBothModes(with("INVITE " + uri + " SIP/2.0", "X-None", null),
                Violation.UNSUPPORTED_URI_SCHEME, 416);
        }

        @ParameterizedTest
        @ValueSource(strings = {"sip:bob@biloxi.example.com", "sips:bob@biloxi.example.com", "tel:+15555550100",
            "SIP:bob@biloxi.example.com"})
        void supportedSchemes(String uri) {
            assertThat(verdict(STRICT, with("INVITE " + uri + " SIP/2.0", "X-None", null)).ok()).isTrue();
        }

        @Test
        void unsupportedVersionFromTheParser() {
            assertRejected(with("INVITE sip:bob@biloxi.example.com SIP/3.0", "X-None", null),
                Violation.UNSUPPORTED_VERSION, 505);
        }

        @Test
        void malformedStartLineFromTheParser() {
            assertRejected(with("INVITE sip:bob@biloxi.example.com", "X-None", null), Violation.MALFORMED_START_LINE, 400);
        }
    }

    @Nested
    class MandatoryAndSingleHeaders {
        @ParameterizedTest
        @ValueSource(strings = {"Via", "From", "To", "Call-ID", "CSeq"})
        void missing(String name) {
            String text = with(name, null);
            assertRejectedInBothModes(text, Violation.MISSING_HEADER, 400);
            assertThat(verdict(STRICT, text).detail()).isEqualTo(name);
        }

        @Test
        void maxForwardsAndContactAreOptional() {
            assertThat(verdict(STRICT, with("Max-Forwards", null)).ok()).isTrue();
            assertThat(verdict(STRICT, with("Contact", null)).ok()).isTrue();
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "From | <sip:mallory@atlanta.example.com>;tag=2",
            "To | <sip:carol@biloxi.example.com>",
            "Call-ID | second@pc33.atlanta.example.com",
            "CSeq | 314160 INVITE",
            "Max-Forwards | 69"})
        void duplicated(String name, String value) {
            String text = good().replace("Content-Length: 0", name + ": " + value + "\r\nContent-Length: 0");
            assertRejectedInBothModes(text, Violation.DUPLICATE_HEADER, 400);
            assertThat(verdict(STRICT, text).detail()).isEqualTo(name);
        }

        @Test
        void duplicatedUnderTheCompactName() {
            assertRejected(good().replace("Content-Length: 0", "f: <sip:x@example.com>;tag=3\r\nContent-Length: 0"),
                Violation.DUPLICATE_HEADER, 400);
        }

        @Test
        void severalViaAndContactLinesAreFine() {
            String text = good().replace("Content-Length: 0", "Via: SIP/2.0/UDP second.example.com;branch=z9hG4bK2\r\n"
                + "Contact: <sip:alt@pc34.atlanta.example.com>\r\nContent-Length: 0");
            assertThat(verdict(STRICT, text).ok()).isTrue();
        }
    }

    @Nested
    class ScalarFields {
        @ParameterizedTest
        @ValueSource(strings = {"4294967296 INVITE", "-1 INVITE", "INVITE", "1", "1.0 INVITE", "12 INV ITE"})
        void malformedCSeq(String value) {
            assertRejectedInBothModes(with("CSeq", value), Violation.MALFORMED_CSEQ, 400);
        }

        @Test
        void cseqWithLeadingZerosIsFine() {
            assertThat(verdict(STRICT, with("CSeq", "0009 INVITE")).ok()).isTrue();
            assertThat(verdict(STRICT, with("CSeq", "4294967295 INVITE")).ok()).isTrue();
        }

        @Test
        void cseqMethodMismatchWithAKnownMethod() {
            assertRejectedInBothModes(with("CSeq", "314159 OPTIONS"), Violation.CSEQ_METHOD_MISMATCH, 400);
            assertRejectedInBothModes(with("CSeq", "314159 invite"), Violation.CSEQ_METHOD_MISMATCH, 400);
        }

        @Test
        void cseqMethodMismatchWithAnUnknownMethod() {
            String text = with("CSeq", "314159 INVITE").replace("INVITE sip:bob", "NEWMETHOD sip:bob");
            assertRejectedInBothModes(text, Violation.CSEQ_METHOD_MISMATCH_UNKNOWN_METHOD, 501);
        }

        @Test
        void unknownMethodWithMatchingCSeqIsForwarded() {
            String text = with("CSeq", "314159 NEWMETHOD").replace("INVITE sip:bob", "NEWMETHOD sip:bob");
            assertThat(verdict(STRICT, text).ok()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"256", "300", "-1", "seventy", "", "1 0"})
        void malformedMaxForwards(String value) {
            assertRejectedInBothModes(with("Max-Forwards", value), Violation.MALFORMED_MAX_FORWARDS, 400);
        }

        @ParameterizedTest
        @ValueSource(strings = {"0068", "255", "1", "00000"})
        void maxForwardsInRange(String value) {
            SipValidator syntax = SipValidator.syntaxOnly(ComplianceMode.STRICT, SipLimits.DEFAULT);
            assertThat(verdict(syntax, with("Max-Forwards", value)).ok()).isTrue();
        }
    }

    @Nested
    class Vias {
        @ParameterizedTest
        @ValueSource(strings = {"SIP/2.0/UDP", "SIP/2.0/UDP 192.0.2.15;;,;,,", "garbage",
            "SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0 b.example.com", "SIP/2.0/UDP a.example.com:70000"})
        void malformed(String value) {
            assertRejectedInBothModes(with("Via", value), Violation.MALFORMED_VIA, 400);
        }

        @Test
        void malformedSecondViaLine() {
            String text = good().replace("Max-Forwards: 70", "Via: SIP/2.0/UDP bad.example.com;\r\nMax-Forwards: 70");
            assertRejected(text, Violation.MALFORMED_VIA, 400);
        }

        @Test
        void tooManyViaValuesOnFewLines() {
            SipLimits limits = new SipLimits(65_535, 256, 8_192, 3);
            SipValidator v = SipValidator.forProxy(ComplianceMode.STRICT, limits);
            String three = "SIP/2.0/UDP a.example.com;branch=z9hG4bKa, SIP/2.0/UDP b.example.com;branch=z9hG4bKb, "
                + "SIP/2.0/UDP c.example.com;branch=z9hG4bKc";
            assertThat(v.validate(parseUnchecked(with("Via", three), limits)).ok()).isTrue();
            SipValidator.Verdict four = v.validate(parseUnchecked(with("Via", three + ", SIP/2.0/UDP d.example.com"), limits));
            assertThat(four.violation()).isEqualTo(Violation.TOO_MANY_VIAS);
            assertThat(four.statusCode()).isEqualTo(400);
        }

        @Test
        void emptyBranch() {
            assertToleratedOnlyWhenLenient(with("Via", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK"), Violation.EMPTY_BRANCH);
        }

        @Test
        void emptyBranchOnlyMattersInTheTopVia() {
            String text = good().replace("Max-Forwards: 70",
                "Via: SIP/2.0/UDP inner.example.com;branch=z9hG4bK\r\nMax-Forwards: 70");
            assertThat(verdict(STRICT, text).ok()).isTrue();
        }

        @Test
        void rfc2543ViaWithoutBranchIsAccepted() {
            assertThat(verdict(STRICT, with("Via", "SIP/2.0/UDP old.example.com")).ok()).isTrue();
        }

        private SipMessage parseUnchecked(String text, SipLimits limits) {
            try {
                return new SipParser(limits).parseDatagram(text.getBytes(StandardCharsets.US_ASCII));
            } catch (SipParseException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Nested
    class NameAddrs {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "From | \"Alice <sip:alice@atlanta.example.com>;tag=1",
            "To | <sip:bob@biloxi.example.com",
            "Contact | <sip:alice@pc33.atlanta.example.com>;;;;",
            "Route | <sip:p1.example.com;lr>junk",
            "Record-Route | <nonsense>",
            "To | sip:bob@biloxi.example.com, sip:carol@biloxi.example.com"})
        void malformed(String name, String value) {
            assertRejectedInBothModes(with(name, value), Violation.MALFORMED_NAME_ADDR, 400);
        }

        @Test
        void unquotedCommaInDisplayName() {
            assertRejectedInBothModes(with("From", "Liddell, Alice <sip:alice@atlanta.example.com>;tag=8"),
                Violation.UNQUOTED_DISPLAY_NAME_CHARS, 400);
        }

        @Test
        void spacesInsideAngleBrackets() {
            assertToleratedOnlyWhenLenient(with("To", "\"Bob, B.\" < sip:bob@biloxi.example.com >"),
                Violation.SPACES_IN_ADDR_SPEC);
        }

        @Test
        void bareUriWithEscapedHeaders() {
            assertToleratedOnlyWhenLenient(with("Contact", "sip:alice@atlanta.example.com?Route=%3Csip:x.example.com%3E"),
                Violation.UNBRACKETED_URI_WITH_RESERVED);
        }

        @Test
        void contactStarIsAccepted() {
            assertThat(verdict(STRICT, with("Contact", "*")).ok()).isTrue();
        }

        @Test
        void unknownSchemesInHeadersAreAccepted() {
            String text = with("To", "isbn:2983792873").replace("Contact: <sip:alice@pc33.atlanta.example.com>",
                "Contact: <name:Alice_Liddell>");
            assertThat(verdict(STRICT, text).ok()).isTrue();
        }

        @Test
        void routeListsAreCheckedValueByValue() {
            String good = good().replace("Max-Forwards: 70",
                "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\nMax-Forwards: 70");
            assertThat(verdict(STRICT, good).ok()).isTrue();
            String bad = good().replace("Max-Forwards: 70",
                "Route: <sip:p1.example.com;lr>, <sip:p2 .example.com;lr>\r\nMax-Forwards: 70");
            assertRejected(bad, Violation.MALFORMED_NAME_ADDR, 400);
        }
    }

    @Nested
    class ProxyChecks {
        @Test
        void maxForwardsZeroIsTooManyHops() {
            assertRejectedInBothModes(with("Max-Forwards", "0"), Violation.TOO_MANY_HOPS, 483);
            assertRejected(with("Max-Forwards", "000"), Violation.TOO_MANY_HOPS, 483);
        }

        @Test
        void maxForwardsOneStillGoesThrough() {
            assertThat(verdict(STRICT, with("Max-Forwards", "1")).ok()).isTrue();
        }

        @Test
        void syntaxOnlyDoesNotCountHopsOrExtensions() {
            SipValidator syntax = SipValidator.syntaxOnly(ComplianceMode.STRICT, SipLimits.DEFAULT);
            assertThat(verdict(syntax, with("Max-Forwards", "0")).ok()).isTrue();
            assertThat(verdict(syntax, with("Proxy-Require", "foo")).ok()).isTrue();
        }

        @Test
        void proxyRequireWithUnsupportedTagsIs420ListingThem() {
            String text = with("Proxy-Require", "noProxySupportsThis, norThisOne")
                .replace("Max-Forwards: 70", "Require: uasOnlyTag\r\nMax-Forwards: 70");
            SipValidator.Verdict v = verdict(STRICT, text);
            assertThat(v.violation()).isEqualTo(Violation.BAD_EXTENSION);
            assertThat(v.statusCode()).isEqualTo(420);
            assertThat(v.unsupported()).containsExactly("noProxySupportsThis", "norThisOne");
            assertThat(v.detail()).isEqualTo("noProxySupportsThis, norThisOne");
        }

        @Test
        void requireAloneIsForTheUasNotTheProxy() {
            assertThat(verdict(STRICT, with("Require", "nothingSupportsThis, nothingSupportsThisEither")).ok()).isTrue();
        }

        @Test
        void supportedTagsPassAndOnlyTheOthersAreListed() {
            SipValidator v = SipValidator.forProxy(ComplianceMode.STRICT, SipLimits.DEFAULT, Set.of("sec-agree"));
            String text = with("Proxy-Require", "sec-agree").replace("Max-Forwards: 70",
                "Proxy-Require: odd, sec-agree\r\nProxy-Require: weird\r\nMax-Forwards: 70");
            SipValidator.Verdict verdict = verdict(v, text);
            assertThat(verdict.statusCode()).isEqualTo(420);
            assertThat(verdict.unsupported()).containsExactly("odd", "weird");
            assertThat(verdict(v, with("Proxy-Require", "sec-agree")).ok()).isTrue();
        }

        @Test
        void emptyProxyRequireIsNotAnExtension() {
            assertThat(verdict(STRICT, with("Proxy-Require", "")).ok()).isTrue();
        }

        @Test
        void hopCountIsCheckedBeforeExtensions() {
            String text = with("Max-Forwards", "0").replace("Contact:", "Proxy-Require: x\r\nContact:");
            assertRejected(text, Violation.TOO_MANY_HOPS, 483);
        }
    }

    @Nested
    class Responses {
        private static final String OK_200 = "SIP/2.0 200 OK\r\n"
            + "Via: SIP/2.0/UDP server10.biloxi.example.com;branch=z9hG4bKnashds8\r\n"
            + "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1\r\n"
            + "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
            + "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
            + "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
            + "CSeq: 314159 INVITE\r\n"
            + "Content-Length: 0\r\n"
            + "\r\n";

        @Test
        void goodResponseIsOk() {
            assertThat(verdict(STRICT, OK_200).ok()).isTrue();
        }

        @Test
        void hopCountAndExtensionsDoNotApplyToResponses() {
            String text = OK_200.replace("Content-Length", "Max-Forwards: 0\r\nProxy-Require: foo\r\nContent-Length");
            assertThat(verdict(STRICT, text).ok()).isTrue();
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "CSeq: 314159 INVITE | CSeq: 9292394834772304023312 INVITE | MALFORMED_CSEQ",
            "Call-ID: a84b4c76e66710@pc33.atlanta.example.com | X-Gone: 1 | MISSING_HEADER",
            "Via: SIP/2.0/UDP server10 | Via: SIP/2.0 server10 | MALFORMED_VIA",
            "To: Bob <sip | To: Bob, Jr <sip | UNQUOTED_DISPLAY_NAME_CHARS",
            "From: Alice <sip:alice@atlanta.example.com> | From: Alice < sip:alice@atlanta.example.com > | SPACES_IN_ADDR_SPEC",
            "CSeq: 314159 INVITE | CSeq: 314159 INVITE\\r\\nCSeq: 1 INVITE | DUPLICATE_HEADER",
            "SIP/2.0 200 OK | SIP/2.0  200 OK | BAD_STATUS_CODE",
            "Content-Length: 0 | Content-Length: 9 | MALFORMED_RESPONSE",
            "Content-Length: 0 | Content-Length: 0\\r\\nl: 1 | MALFORMED_RESPONSE"})
        void anyViolationInAResponseIsADrop(String from, String to, Violation expected) {
            String text = OK_200.replace(from, to.replace("\\r\\n", "\r\n"));
            assertThat(text).isNotEqualTo(OK_200);
            SipValidator.Verdict v = verdict(STRICT, text);
            assertThat(v.violation()).isEqualTo(expected);
            assertThat(v.drop()).isTrue();
            assertThat(v.statusCode()).isEqualTo(Violation.DROP);
            assertThat(verdict(LENIENT, text).ok()).isEqualTo(expected.tolerable());
        }
    }

    @Nested
    class ParseFailures {
        @Test
        void answerableWhenThePartialMessageHasTheHeadersAnAnswerNeeds() {
            SipValidator.Verdict v = verdict(STRICT, good().replace("Content-Length: 0", "Content-Length: -5"));
            assertThat(v.violation()).isEqualTo(Violation.BAD_CONTENT_LENGTH);
            assertThat(v.statusCode()).isEqualTo(400);
            assertThat(v.drop()).isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {"Via", "From", "To", "Call-ID", "CSeq"})
        void dropWhenAnAnswerCannotBeBuilt(String missing) {
            String text = with(missing, null).replace("Content-Length: 0", "Content-Length: -5");
            SipValidator.Verdict v = verdict(STRICT, text);
            assertThat(v.violation()).isEqualTo(Violation.BAD_CONTENT_LENGTH);
            assertThat(v.drop()).isTrue();
        }

        @Test
        void dropWithoutAPartialMessage() {
            // No line terminator at all: nothing indexed, nothing to address an answer to.
            SipParseException e = catchThrowableOfType(SipParseException.class,
                () -> new SipParser().parseDatagram("OPTIONS sip:a@example.com SIP/2.0".getBytes(StandardCharsets.US_ASCII)));
            assertThat(e.violation()).isEqualTo(Violation.MALFORMED_START_LINE);
            assertThat(e.partial()).isNull();
            SipValidator.Verdict v = SipValidator.of(e);
            assertThat(v.violation()).isEqualTo(Violation.MALFORMED_START_LINE);
            assertThat(v.drop()).isTrue();
            assertThat(v.detail()).startsWith("MALFORMED_START_LINE");
        }

        @Test
        void oversizeRequestIsAnswered513() {
            SipParseException e = catchThrowableOfType(SipParseException.class,
                () -> new SipParser(new SipLimits(128, 64, 256, 4)).parseDatagram(good().getBytes(StandardCharsets.US_ASCII)));
            assertThat(e.violation()).isEqualTo(Violation.MESSAGE_TOO_LARGE);
            assertThat(e.partial()).isNotNull();
            SipValidator.Verdict v = SipValidator.of(e);
            assertThat(v.drop()).isFalse();
            assertThat(v.statusCode()).isEqualTo(513);
        }

        @Test
        void eachFramingViolationOfARequestIsA400() {
            assertRejected(good().replace("Content-Length: 0", "Content-Length: 3\r\nl: 4"),
                Violation.CONFLICTING_CONTENT_LENGTH, 400);
            assertRejected(good().replace("Content-Length: 0", "Content-Length: 30"),
                Violation.BODY_SHORTER_THAN_CONTENT_LENGTH, 400);
            assertRejected(good().replace("Content-Length: 0", "Content-Length: zero"),
                Violation.BAD_CONTENT_LENGTH, 400);
            assertRejected(good().replace("Max-Forwards: 70", "Max-Forwards 70"),
                Violation.MALFORMED_HEADER_LINE, 400);
        }
    }
}
