package io.sipdispatch.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SipParserTest {
    private static final String CRLF = "\r\n";

    /** A complete OPTIONS request whose lines are joined by CRLF, closed by an empty line, no body. */
    private static String options(String... extraHeaders) {
        StringBuilder sb = new StringBuilder();
        sb.append("OPTIONS sip:desk@pbx.example.org SIP/2.0").append(CRLF);
        sb.append("Via: SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bKp01").append(CRLF);
        sb.append("From: <sip:ops@example.org>;tag=f1").append(CRLF);
        sb.append("To: <sip:desk@pbx.example.org>").append(CRLF);
        sb.append("Call-ID: parser-1@203.0.113.7").append(CRLF);
        sb.append("CSeq: 7 OPTIONS").append(CRLF);
        for (String h : extraHeaders) {
            sb.append(h).append(CRLF);
        }
        sb.append(CRLF);
        return sb.toString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static SipMessage parse(String s) throws SipParseException {
        return new SipParser().parseDatagram(ascii(s));
    }

    private static SipParseException failure(String s) {
        return failure(new SipParser(), ascii(s));
    }

    private static SipParseException failure(SipParser p, byte[] b) {
        SipParseException e = catchThrowableOfType(SipParseException.class, () -> p.parseDatagram(b));
        assertThat(e).as("expected a SipParseException").isNotNull();
        return e;
    }

    @Nested
    class StartLine {
        @Test
        void requestLine() throws Exception {
            SipMessage m = parse(options("Content-Length: 0"));
            assertThat(m.isRequest()).isTrue();
            assertThat(m.isResponse()).isFalse();
            assertThat(m.method()).isSameAs(SipMethod.OPTIONS);
            assertThat(m.requestUriString()).isEqualTo("sip:desk@pbx.example.org");
            assertThat(m.requestUri().host()).isEqualTo("pbx.example.org");
            assertThat(m.statusCode()).isZero();
            assertThat(m.reasonPhrase()).isNull();
            assertThat(m.toleratedViolations()).isEmpty();
        }

        @Test
        void knownMethodsAreInternedAndUnknownOnesKeptCaseSensitive() throws Exception {
            for (String method : new String[] {"INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "PRACK", "SUBSCRIBE",
                "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE"}) {
                SipMessage m = parse(method + " sip:a@example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n");
                assertThat(m.method()).isSameAs(SipMethod.intern(method));
            }
            SipMessage lower = parse("invite sip:a@example.com SIP/2.0\r\nl: 0\r\n\r\n");
            assertThat(lower.method()).isEqualTo("invite");
            assertThat(SipMethod.isKnown(lower.method())).isFalse();
            SipMessage ext = parse("FROBNICATE sip:a@example.com SIP/2.0\r\nl: 0\r\n\r\n");
            assertThat(ext.method()).isEqualTo("FROBNICATE");
        }

        @Test
        void responseLine() throws Exception {
            SipMessage m = parse("SIP/2.0 183 Session Progress\r\nContent-Length: 0\r\n\r\n");
            assertThat(m.isResponse()).isTrue();
            assertThat(m.statusCode()).isEqualTo(183);
            assertThat(m.reasonPhrase()).isEqualTo("Session Progress");
            assertThat(m.method()).isNull();
            assertThat(m.requestUriString()).isNull();
            assertThat(m.requestUri()).isNull();
        }

        @Test
        void responseWithoutReasonPhrase() throws Exception {
            assertThat(parse("SIP/2.0 100 \r\nl: 0\r\n\r\n").reasonPhrase()).isEmpty();
            assertThat(parse("SIP/2.0 100\r\nl: 0\r\n\r\n").reasonPhrase()).isEmpty();
        }

        @Test
        void responseReasonPhraseMayHoldUtf8() throws Exception {
            String reason = "Добре дошли – ça va ✓";
            byte[] b = ("SIP/2.0 202 " + reason + "\r\nl: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            assertThat(new SipParser().parseDatagram(b).reasonPhrase()).isEqualTo(reason);
        }

        @Test
        void extremeStatusCodesAreAccepted() throws Exception {
            assertThat(parse("SIP/2.0 100 Trying\r\nl: 0\r\n\r\n").statusCode()).isEqualTo(100);
            assertThat(parse("SIP/2.0 699 Whatever\r\nl: 0\r\n\r\n").statusCode()).isEqualTo(699);
        }

        @Test
        void leadingCrlfsAreSkipped() throws Exception {
            String msg = options("l: 0");
            SipMessage m = parse("\r\n\r\n\n" + msg);
            assertThat(m.method()).isEqualTo("OPTIONS");
            assertThat(m.toBytes()).isEqualTo(ascii(msg));
            assertThat(m.length()).isEqualTo(msg.length());
        }

        @Test
        void sipVersionIsCaseInsensitive() throws Exception {
            SipMessage m = parse("OPTIONS sip:a@example.com sip/2.0\r\nl: 0\r\n\r\n");
            assertThat(m.method()).isEqualTo("OPTIONS");
            assertThat(m.toleratedViolations()).isEmpty();
        }

        @Test
        void extraSpacesInTheRequestLineAreRecordedNotFatal() throws Exception {
            SipMessage twoSp = parse("OPTIONS  sip:a@example.com  SIP/2.0\r\nl: 0\r\n\r\n");
            assertThat(twoSp.requestUriString()).isEqualTo("sip:a@example.com");
            assertThat(twoSp.toleratedViolations()).containsExactly(Violation.EXTRA_WHITESPACE_IN_START_LINE);

            SipMessage trailing = parse("OPTIONS sip:a@example.com SIP/2.0   \r\nl: 0\r\n\r\n");
            assertThat(trailing.requestUriString()).isEqualTo("sip:a@example.com");
            assertThat(trailing.toleratedViolations()).containsExactly(Violation.EXTRA_WHITESPACE_IN_START_LINE);
        }
    }

    @Nested
    class MalformedStartLine {
        @ParameterizedTest
        @ValueSource(strings = {"", "\r\n", "\r\n\r\n", "INVITE sip:a@example.com SIP/2.0"})
        void noLineAtAll(String text) {
            SipParseException e = failure(text);
            assertThat(e.violation()).isEqualTo(Violation.MALFORMED_START_LINE);
            assertThat(e.partial()).isNull();
            assertThat(SipValidator.of(e).drop()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "INVITE",                                    // method alone
            "INVITE sip:bob@example.com",                // no SIP-Version (archive test.dat)
            "INVITE  sip:bob@example.com",               // no SIP-Version, extra SP
            "INVITE sip:bob@example.com HTTP/1.1",       // another protocol
            "INVITE sip:bob@example.com SIP/2",          // version without minor
            "INVITE sip:bob@example.com SIP/.0",         // version without major
            "INVITE sip:bob@example.com SIP/2.0.1",      // version with junk
            "INVITE sip:bob@example.com SIP/2.0 junk",   // a fourth element
            "INVITE sip:bob@example.com SIP/",           // version prefix only
            " INVITE sip:bob@example.com SIP/2.0",       // leading SP
            "INV@ITE sip:bob@example.com SIP/2.0",       // method is not a token
            "INVITE\tsip:bob@example.com\tSIP/2.0",      // HT instead of SP
            "INVITE SIP/2.0",                            // no Request-URI
            "INVITE  SIP/2.0",                           // no Request-URI, extra SP
        })
        void malformedRequestLinesGet400WithThePartialMessage(String line) {
            String text = options("l: 0");
            SipParseException e = failure(line + text.substring(text.indexOf(CRLF)));
            assertThat(e.violation()).isEqualTo(Violation.MALFORMED_START_LINE);
            assertThat(e.partial()).as("headers are still indexed").isNotNull();
            assertThat(e.partial().callId()).isEqualTo("parser-1@203.0.113.7");
            SipValidator.Verdict v = SipValidator.of(e);
            assertThat(v.statusCode()).isEqualTo(400);
            assertThat(v.violation()).isEqualTo(Violation.MALFORMED_START_LINE);
        }

        @Test
        void whitespaceInsideTheRequestUriIsAMalformedUri() {
            SipParseException e = failure(options("l: 0")
                .replace("OPTIONS sip:desk@pbx.example.org SIP/2.0", "OPTIONS sip:desk@pbx.example.org; lr SIP/2.0"));
            assertThat(e.violation()).isEqualTo(Violation.MALFORMED_REQUEST_URI);
            assertThat(SipValidator.of(e).statusCode()).isEqualTo(400);
        }

        @ParameterizedTest
        @ValueSource(strings = {"SIP/3.0", "SIP/2.1", "SIP/20.0", "SIP/2.00", "SIP/7.0"})
        void otherVersionsGet505(String version) {
            SipParseException e = failure(options("l: 0").replace(" SIP/2.0\r\nVia", " " + version + "\r\nVia"));
            assertThat(e.violation()).isEqualTo(Violation.UNSUPPORTED_VERSION);
            assertThat(e.partial()).isNotNull();
            assertThat(SipValidator.of(e).statusCode()).isEqualTo(505);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "SIP/2.0 20 Short", "SIP/2.0 2000 Long", "SIP/2.0 099 Low", "SIP/2.0 700 High", "SIP/2.0 4294967301 Big",
            "SIP/2.0", "SIP/2.0 ", "SIP/2.0  200 OK", "SIP/2.0 2x0 OK", "SIP/2.0 200OK", "SIP/2.0\t200 OK"
        })
        void badStatusCodesAreDropped(String line) {
            SipParseException e = failure(line + "\r\nl: 0\r\n\r\n");
            assertThat(e.violation()).isEqualTo(Violation.BAD_STATUS_CODE);
            assertThat(e.partial()).isNull();
            assertThat(e.violation().statusCode()).isEqualTo(Violation.DROP);
            assertThat(SipValidator.of(e).drop()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"SIP/3.0 200 OK", "SIP/1.0 200 OK", "SIP/2.5 200 OK", "SIP/ 200 OK"})
        void responsesInAnotherVersionAreDropped(String line) {
            SipParseException e = failure(line + "\r\nl: 0\r\n\r\n");
            assertThat(e.violation()).isEqualTo(Violation.MALFORMED_RESPONSE);
            assertThat(SipValidator.of(e).drop()).isTrue();
        }
    }

    @Nested
    class HeaderLines {
        @Test
        void foldedValueIsReadAsOneLineWithOneSpace() throws Exception {
            SipMessage m = parse(options("Subject: first part\r\n   second part\r\n\tthird", "l: 0"));
            assertThat(m.first(Header.SUBJECT)).isEqualTo("first part second part third");
            assertThat(m.headerCount()).isEqualTo(7);
        }

        @Test
        void foldRightAfterTheColon() throws Exception {
            SipMessage m = parse(options("l: 0").replace("To: <sip:desk@pbx.example.org>",
                "TO :\r\n <sip:desk@pbx.example.org> ;\r\n   tag = 88"));
            assertThat(m.first(Header.TO)).isEqualTo("<sip:desk@pbx.example.org> ; tag = 88");
            assertThat(m.to().uri().toString()).isEqualTo("sip:desk@pbx.example.org");
            assertThat(m.to().tag()).isEqualTo("88");
        }

        @Test
        void foldedScalarsParse() throws Exception {
            SipMessage m = parse(options("Max-Forwards:\r\n 0042", "l: 0").replace("CSeq: 7 OPTIONS",
                "cseq: 0007\r\n  OPTIONS"));
            assertThat(m.cseq()).isEqualTo(new CSeq(7, "OPTIONS"));
            assertThat(m.maxForwards()).isEqualTo(42);
        }

        @Test
        void whitespaceBeforeTheColon() throws Exception {
            SipMessage m = parse(options("l: 0").replace("Call-ID: ", "Call-ID \t : "));
            assertThat(m.callId()).isEqualTo("parser-1@203.0.113.7");
            assertThat(m.headerName(3)).isEqualTo("Call-ID");
        }

        @Test
        void tabsAroundTheValueAreNotPartOfIt() throws Exception {
            SipMessage m = parse(options("Subject:\t\t tabbed value\t \t", "l: 0"));
            assertThat(m.first(Header.SUBJECT)).isEqualTo("tabbed value");
        }

        @Test
        void emptyValue() throws Exception {
            SipMessage m = parse(options("Subject:", "s :   ", "l: 0"));
            assertThat(m.values(Header.SUBJECT)).containsExactly("", "");
        }

        @Test
        void bareLfLineEndings() throws Exception {
            String text = "MESSAGE sip:pat@example.net SIP/2.0\n"
                + "Via: SIP/2.0/TCP 192.0.2.40;branch=z9hG4bKlf\n"
                + "From: <sip:lee@example.net>;tag=lf\n"
                + "To: <sip:pat@example.net>\n"
                + "Subject: folded\n continued\n"
                + "Call-ID: lf-only\n"
                + "CSeq: 3 MESSAGE\n"
                + "Content-Length: 6\n"
                + "\n"
                + "a\nb\ncd"
                + "trailing";
            SipMessage m = parse(text);
            assertThat(m.headerCount()).isEqualTo(7);
            assertThat(m.callId()).isEqualTo("lf-only");
            assertThat(m.first(Header.SUBJECT)).isEqualTo("folded continued");
            assertThat(new String(m.body(), StandardCharsets.US_ASCII)).isEqualTo("a\nb\ncd");
            assertThat(m.toString()).endsWith("\n\na\nb\ncd");
        }

        @Test
        void mixedLineEndings() throws Exception {
            String text = "BYE sip:pat@example.net SIP/2.0\n"
                + "Via: SIP/2.0/UDP 192.0.2.40;branch=z9hG4bKmix\r\n"
                + "Call-ID: mixed\n"
                + "l: 0\r\n"
                + "\n";
            SipMessage m = parse(text);
            assertThat(m.topVia().branch()).isEqualTo("z9hG4bKmix");
            assertThat(m.callId()).isEqualTo("mixed");
            assertThat(m.contentLength()).isZero();
        }

        @Test
        void indexingAccessors() throws Exception {
            SipMessage m = parse(options("Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2, SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK3",
                "X-Trace: one", "x-trace: two", "l: 0"));
            assertThat(m.headerCount()).isEqualTo(9);
            assertThat(m.indexOf(Header.VIA)).isZero();
            assertThat(m.indexOf(Header.VIA, 1)).isEqualTo(5);
            assertThat(m.indexOf(Header.VIA, 6)).isEqualTo(-1);
            assertThat(m.lineCount(Header.VIA)).isEqualTo(2);
            assertThat(m.values(Header.VIA)).hasSize(3);
            assertThat(m.has(Header.ROUTE)).isFalse();
            assertThat(m.indexOf(Header.ROUTE)).isEqualTo(-1);
            assertThat(m.values(Header.ROUTE)).isEmpty();
            assertThat(m.first(Header.ROUTE)).isNull();
            assertThat(m.values("X-TRACE")).containsExactly("one", "two");
            assertThat(m.first("x-trace")).isEqualTo("one");
            assertThat(m.first("X-None")).isNull();
            assertThat(m.lineCount(Header.CONTENT_LENGTH)).isEqualTo(1);
        }

        @Test
        void lineWithoutColonIsMalformedButTheRestIsIndexed() {
            SipParseException e = failure(options("ThisLineHasNoColon", "Max-Forwards: 9", "l: 0"));
            assertThat(e.violation()).isEqualTo(Violation.MALFORMED_HEADER_LINE);
            assertThat(e.partial()).isNotNull();
            assertThat(e.partial().indexOf(Header.MAX_FORWARDS)).isPositive();
            assertThat(SipValidator.of(e).statusCode()).isEqualTo(400);
        }

        @Test
        void lineWithoutNameIsMalformed() {
            assertThat(failure(options(": nameless", "l: 0")).violation()).isEqualTo(Violation.MALFORMED_HEADER_LINE);
            assertThat(failure(options("Bad Name: x", "l: 0")).violation()).isEqualTo(Violation.MALFORMED_HEADER_LINE);
            assertThat(failure(options("Bad@Name: x", "l: 0")).violation()).isEqualTo(Violation.MALFORMED_HEADER_LINE);
        }

        @Test
        void continuationLineRightAfterTheStartLineIsMalformed() {
            String text = "OPTIONS sip:a@example.com SIP/2.0\r\n  orphan continuation\r\nl: 0\r\n\r\n";
            assertThat(failure(text).violation()).isEqualTo(Violation.MALFORMED_HEADER_LINE);
        }

        @Test
        void headerSectionWithoutEmptyLineIsToleratedAndRecorded() throws Exception {
            String text = options("l: 0");
            SipMessage m = parse(text.substring(0, text.length() - 2));
            assertThat(m.toleratedViolations()).containsExactly(Violation.TRUNCATED_HEADERS);
            assertThat(m.bodyLength()).isZero();
            SipMessage noTerm = parse(text.substring(0, text.length() - 4));
            assertThat(noTerm.toleratedViolations()).containsExactly(Violation.TRUNCATED_HEADERS);
            assertThat(noTerm.contentLength()).isZero();
        }
    }

    @Nested
    class Framing {
        @Test
        void bodyIsExactlyContentLengthBytes() throws Exception {
            SipMessage m = parse(options("Content-Type: text/plain", "Content-Length: 11") + "hello world");
            assertThat(m.contentLength()).isEqualTo(11);
            assertThat(m.bodyLength()).isEqualTo(11);
            assertThat(new String(m.body(), StandardCharsets.US_ASCII)).isEqualTo("hello world");
        }

        @Test
        void trailingDatagramBytesAreIgnored() throws Exception {
            String first = options("Content-Length: 4") + "ABCD";
            String noise = "\r\nINVITE sip:joe@example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n";
            SipMessage m = parse(first + noise);
            assertThat(new String(m.body(), StandardCharsets.US_ASCII)).isEqualTo("ABCD");
            assertThat(m.length()).isEqualTo(first.length());
            assertThat(m.toBytes()).isEqualTo(ascii(first));
            assertThat(m.toString()).doesNotContain("INVITE");
        }

        @Test
        void zeroContentLengthWithTrailingBytes() throws Exception {
            String first = options("l: 0");
            SipMessage m = parse(first + "garbage after the message");
            assertThat(m.bodyLength()).isZero();
            assertThat(m.toBytes()).isEqualTo(ascii(first));
        }

        @Test
        void binaryBodyWithNulAndBareLfIsFramedByContentLength() throws Exception {
            byte[] body = {'x', 0, '\n', '\r', '\n', '\r', '\n', (byte) 0xff, 0, 'y', '\n', '\n'};
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(ascii(options("Content-Type: application/octet-stream", "Content-Length: " + body.length)));
            out.writeBytes(body);
            out.writeBytes(ascii("tail"));
            SipMessage m = new SipParser().parseDatagram(out.toByteArray());
            assertThat(m.body()).isEqualTo(body);
        }

        @Test
        void withoutContentLengthTheRestOfTheDatagramIsTheBody() throws Exception {
            SipMessage m = parse(options() + "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n");
            assertThat(m.contentLength()).isEqualTo(-1);
            assertThat(new String(m.body(), StandardCharsets.US_ASCII)).isEqualTo("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n");
        }

        @Test
        void parsesASubRangeOfABuffer() throws Exception {
            String msg = options("l: 3") + "abc";
            byte[] buf = ascii("JUNK" + msg + "MORE");
            SipMessage m = new SipParser().parseDatagram(buf, 4, msg.length());
            assertThat(m.toBytes()).isEqualTo(ascii(msg));
            assertThat(m.body()).isEqualTo(ascii("abc"));
        }

        @Test
        void leadingZerosInContentLength() throws Exception {
            SipMessage m = parse(options("Content-Length: 0003") + "xyzw");
            assertThat(m.contentLength()).isEqualTo(3);
            assertThat(m.body()).isEqualTo(ascii("xyz"));
        }

        @Test
        void repeatedEqualContentLengthIsFine() throws Exception {
            SipMessage m = parse(options("Content-Length: 2", "l: 2") + "ok");
            assertThat(m.contentLength()).isEqualTo(2);
        }

        @Test
        void streamFrameNeedsContentLength() throws Exception {
            byte[] b = ascii(options());
            SipParseException e = catchThrowableOfType(SipParseException.class,
                () -> new SipParser().parseFrame(b, 0, b.length));
            assertThat(e.violation()).isEqualTo(Violation.MISSING_CONTENT_LENGTH_ON_STREAM);
            assertThat(e.partial()).isNotNull();
            assertThat(SipValidator.of(e).statusCode()).isEqualTo(400);

            byte[] ok = ascii(options("l: 2") + "hi");
            SipMessage m = new SipParser().parseFrame(ok, 0, ok.length);
            assertThat(m.body()).isEqualTo(ascii("hi"));
        }
    }

    @Nested
    class BadContentLength {
        @ParameterizedTest
        @ValueSource(strings = {"-1", "-999", "five", "", "1 2", "+4", "0x10", "4.0", "99999999999999"})
        void notANonNegativeNumber(String value) {
            SipParseException e = failure(options("Content-Length: " + value) + "body");
            assertThat(e.violation()).isEqualTo(Violation.BAD_CONTENT_LENGTH);
            assertThat(e.partial()).isNotNull();
            assertThat(e.partial().bodyLength()).isEqualTo(4);
            SipValidator.Verdict v = SipValidator.of(e);
            assertThat(v.statusCode()).isEqualTo(400);
            assertThat(v.violation()).isEqualTo(Violation.BAD_CONTENT_LENGTH);
        }

        @Test
        void conflictingDuplicates() throws Exception {
            SipParseException e = failure(options("Content-Length: 5", "Max-Forwards: 70", "l: 3") + "12345");
            assertThat(e.violation()).isEqualTo(Violation.CONFLICTING_CONTENT_LENGTH);
            assertThat(e.partial()).isNotNull();
            assertThat(e.partial().maxForwards()).isEqualTo(70);
            assertThat(SipValidator.of(e).statusCode()).isEqualTo(400);
        }

        @Test
        void largerThanTheBody() {
            SipParseException e = failure(options("Content-Length: 500") + "short body");
            assertThat(e.violation()).isEqualTo(Violation.BODY_SHORTER_THAN_CONTENT_LENGTH);
            assertThat(e.partial()).isNotNull();
            assertThat(e.partial().body()).isEqualTo(ascii("short body"));
            assertThat(SipValidator.of(e).statusCode()).isEqualTo(400);
        }

        @Test
        void badContentLengthInAResponseIsDropped() {
            SipParseException e = failure("SIP/2.0 200 OK\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKr\r\n"
                + "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n"
                + "Call-ID: r1\r\nCSeq: 1 INVITE\r\nContent-Length: -3\r\n\r\n");
            assertThat(e.violation()).isEqualTo(Violation.MALFORMED_RESPONSE);
            assertThat(e.partial()).isNotNull();
            assertThat(e.partial().isResponse()).isTrue();
            assertThat(SipValidator.of(e).drop()).isTrue();
        }
    }

    @Nested
    class Limits {
        private final SipLimits small = new SipLimits(256, 8, 64, 2);

        @Test
        void messageTooLarge() throws Exception {
            SipParser p = new SipParser(small);
            String base = "OPTIONS sip:a@example.com SIP/2.0\r\nl: 0\r\n\r\n";
            String atLimit = base + "x".repeat(256 - base.length());
            assertThat(p.parseDatagram(ascii(atLimit)).length()).isEqualTo(base.length());
            SipParseException e = failure(p, ascii(atLimit + "x"));
            assertThat(e.violation()).isEqualTo(Violation.MESSAGE_TOO_LARGE);
            assertThat(e.violation().statusCode()).isEqualTo(513);
            // Still indexed, so that a request that can be addressed gets its 513.
            assertThat(e.partial()).isNotNull();
            assertThat(e.partial().isRequest()).isTrue();
            assertThat(p.limits()).isSameAs(small);
        }

        @Test
        void defaultLimitIsTheLargestUdpPayload() throws Exception {
            String base = options("l: 0");
            byte[] ok = ascii(base + "z".repeat(65_535 - base.length()));
            assertThat(new SipParser().parseDatagram(ok).length()).isEqualTo(base.length());
            byte[] big = ascii(base + "z".repeat(65_536 - base.length()));
            assertThat(failure(new SipParser(), big).violation()).isEqualTo(Violation.MESSAGE_TOO_LARGE);
        }

        @Test
        void tooManyHeaders() throws Exception {
            SipParser p = new SipParser(small);
            StringBuilder sb = new StringBuilder("OPTIONS sip:a@example.com SIP/2.0\r\n");
            for (int i = 0; i < 7; i++) {
                sb.append("X-H").append(i).append(": v\r\n");
            }
            String eight = sb + "l: 0\r\n\r\n";
            assertThat(p.parseDatagram(ascii(eight)).headerCount()).isEqualTo(8);
            String nine = sb + "X-H7: v\r\nl: 0\r\n\r\n";
            SipParseException e = failure(p, ascii(nine));
            assertThat(e.violation()).isEqualTo(Violation.TOO_MANY_HEADERS);
            assertThat(e.violation().statusCode()).isEqualTo(400);
        }

        @Test
        void headerLineTooLong() throws Exception {
            SipParser p = new SipParser(small);
            String prefix = "Subject: ";
            String fits = prefix + "s".repeat(64 - prefix.length() - 2); // 64 bytes with its CRLF
            assertThat(p.parseDatagram(ascii("OPTIONS sip:a@example.com SIP/2.0\r\n" + fits + "\r\nl: 0\r\n\r\n"))
                .first(Header.SUBJECT)).hasSize(64 - prefix.length() - 2);
            SipParseException e = failure(p,
                ascii("OPTIONS sip:a@example.com SIP/2.0\r\n" + fits + "s\r\nl: 0\r\n\r\n"));
            assertThat(e.violation()).isEqualTo(Violation.HEADER_LINE_TOO_LONG);
            assertThat(e.violation().statusCode()).isEqualTo(400);
        }

        @Test
        void foldedContinuationsCountTowardsTheLineLength() {
            SipParser p = new SipParser(small);
            String folded = "Subject: " + "a".repeat(30) + "\r\n " + "b".repeat(30) + "\r\n";
            SipParseException e = failure(p,
                ascii("OPTIONS sip:a@example.com SIP/2.0\r\n" + folded + "l: 0\r\n\r\n"));
            assertThat(e.violation()).isEqualTo(Violation.HEADER_LINE_TOO_LONG);
        }

        @Test
        void tooManyViaLines() throws Exception {
            SipParser p = new SipParser(small);
            String two = "OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h1\r\nv: SIP/2.0/UDP h2\r\nl: 0\r\n\r\n";
            assertThat(p.parseDatagram(ascii(two)).lineCount(Header.VIA)).isEqualTo(2);
            String three = two.replace("l: 0", "VIA: SIP/2.0/UDP h3\r\nl: 0");
            SipParseException e = failure(p, ascii(three));
            assertThat(e.violation()).isEqualTo(Violation.TOO_MANY_VIAS);
            assertThat(e.violation().statusCode()).isEqualTo(400);
        }

        @Test
        void limitsBelowAUsableMessageAreRefused() {
            assertThatThrownBy(() -> new SipLimits(63, 8, 64, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new SipLimits(64, 7, 64, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new SipLimits(64, 8, 63, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new SipLimits(64, 8, 64, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThat(SipLimits.DEFAULT).isEqualTo(new SipLimits(65_535, 256, 8_192, 70));
        }
    }

    @Nested
    class Values {
        @Test
        void maxForwardsWithLeadingZeros() throws Exception {
            assertThat(parse(options("Max-Forwards: 0068", "l: 0")).maxForwards()).isEqualTo(68);
            assertThat(parse(options("Max-Forwards: 255", "l: 0")).maxForwards()).isEqualTo(255);
            assertThat(parse(options("Max-Forwards: 0", "l: 0")).maxForwards()).isZero();
            assertThat(parse(options("Max-Forwards: 000255", "l: 0")).maxForwards()).isEqualTo(255);
            assertThat(parse(options("l: 0")).maxForwards()).isEqualTo(-1);
        }

        @ParameterizedTest
        @ValueSource(strings = {"256", "300", "-1", "ten", "", "7 0", "1.5", "99999999999999999999999"})
        void maxForwardsOutOfRangeIsRejected(String value) throws Exception {
            SipMessage m = parse(options("Max-Forwards: " + value, "l: 0"));
            assertThatThrownBy(m::maxForwards)
                .isInstanceOfSatisfying(SipParseException.class,
                    e -> assertThat(e.violation()).isEqualTo(Violation.MALFORMED_MAX_FORWARDS));
        }

        @Test
        void callId() throws Exception {
            SipMessage m = parse(options("l: 0").replace("Call-ID: parser-1@203.0.113.7",
                "i:   a84b4c76e66710@pc33.example.org  "));
            assertThat(m.callId()).isEqualTo("a84b4c76e66710@pc33.example.org");
            assertThat(parse("OPTIONS sip:a@example.com SIP/2.0\r\nl: 0\r\n\r\n").callId()).isNull();
        }

        @Test
        void routeAndRecordRouteLists() throws Exception {
            SipMessage m = parse(options(
                "Route: <sip:p1.example.net;lr>, <sip:p2.example.net;lr>",
                "Record-Route: <sip:rr1.example.com;lr>",
                "Route: \"edge, west\" <sip:p3.example.net;lr;x=1>",
                "Record-Route: <sip:rr2.example.com;lr>,<sip:rr3.example.com>",
                "l: 0"));
            assertThat(m.routes()).extracting(na -> uriOf(na).host())
                .containsExactly("p1.example.net", "p2.example.net", "p3.example.net");
            assertThat(m.routes()).allMatch(na -> uriOf(na).lr());
            assertThat(m.routes().get(2).displayName()).isEqualTo("\"edge, west\"");
            assertThat(m.recordRoutes()).extracting(na -> uriOf(na).host())
                .containsExactly("rr1.example.com", "rr2.example.com", "rr3.example.com");
            assertThat(m.recordRoutes().get(2).uri().lr()).isFalse();
        }

        @Test
        void optionTags() throws Exception {
            SipMessage m = parse(options("Proxy-Require: sec-agree, prefs", "Require: 100rel",
                "Proxy-Require:  foo ", "Supported: timer,path", "l: 0"));
            assertThat(m.optionTags(Header.PROXY_REQUIRE)).containsExactly("sec-agree", "prefs", "foo");
            assertThat(m.optionTags(Header.REQUIRE)).containsExactly("100rel");
            assertThat(m.optionTags(Header.SUPPORTED)).containsExactly("timer", "path");
            assertThat(m.optionTags(Header.UNSUPPORTED)).isEmpty();
        }

        @Test
        void fromToAndCSeqAreParsedOnDemand() throws Exception {
            SipMessage m = parse(options("l: 0"));
            assertThat(m.from().uri().user()).isEqualTo("ops");
            assertThat(m.from().tag()).isEqualTo("f1");
            assertThat(m.to().tag()).isNull();
            assertThat(m.cseq().number()).isEqualTo(7);
            assertThat(m.cseq().method()).isSameAs(SipMethod.OPTIONS);
            assertThat(m.topVia().host()).isEqualTo("203.0.113.7");
            assertThat(m.topVia().port()).isEqualTo(5060);
        }

        @Test
        void absentValuesAreNull() throws Exception {
            SipMessage m = parse("OPTIONS sip:a@example.com SIP/2.0\r\nl: 0\r\n\r\n");
            assertThat(m.from()).isNull();
            assertThat(m.to()).isNull();
            assertThat(m.cseq()).isNull();
            assertThat(m.topVia()).isNull();
            assertThat(m.vias()).isEmpty();
            assertThat(m.routes()).isEmpty();
        }
    }

    /** The URI of a name-addr that parsed with its URI (Route and Record-Route do), for use in lambdas. */
    private static SipUri uriOf(NameAddr na) {
        try {
            return na.uri();
        } catch (SipParseException e) {
            throw new AssertionError(e);
        }
    }
}
