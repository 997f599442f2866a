package io.sipdispatch.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamFramerTest {

    /** Records what the framer delivers: messages as strings, keepalives as "PING" / "PONG". */
    private static final class Recorder implements StreamFramer.Sink {
        final List<String> events = new ArrayList<>();
        final List<byte[]> messages = new ArrayList<>();

        @Override
        public void message(byte[] buf, int off, int len) {
            byte[] copy = Arrays.copyOfRange(buf, off, off + len);
            messages.add(copy);
            events.add(new String(copy, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void keepalive(boolean ping) {
            events.add(ping ? "PING" : "PONG");
        }
    }

    private static String request(String callId, String body) {
        return "MESSAGE sip:pat@example.net SIP/2.0\r\n"
            + "Via: SIP/2.0/TCP 192.0.2.40:5060;branch=z9hG4bK" + callId + "\r\n"
            + "From: <sip:lee@example.net>;tag=f\r\n"
            + "To: <sip:pat@example.net>\r\n"
            + "Call-ID: " + callId + "\r\n"
            + "CSeq: 1 MESSAGE\r\n"
            + "Content-Type: text/plain\r\n"
            + "Content-Length: " + body.getBytes(StandardCharsets.ISO_8859_1).length + "\r\n"
            + "\r\n"
            + body;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void feed(StreamFramer f, String s, Recorder r) throws SipParseException {
        byte[] b = bytes(s);
        f.feed(b, 0, b.length, r);
    }

    private static SipParseException feedFailing(StreamFramer f, String s, Recorder r) {
        try {
            feed(f, s, r);
        } catch (SipParseException e) {
            return e;
        }
        throw new AssertionError("expected a SipParseException");
    }

    @Nested
    class Messages {
        @Test
        void twoMessagesInOneChunk() throws Exception {
            String a = request("one", "hello");
            String b = request("two", "\r\n\r\nworld\r\n\r\n");
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            feed(f, a + b, r);
            assertThat(r.events).containsExactly(a, b);
            assertThat(f.buffered()).isZero();
            for (byte[] m : r.messages) {
                SipMessage parsed = new SipParser().parseFrame(m, 0, m.length);
                assertThat(parsed.bodyLength()).isEqualTo(parsed.contentLength());
            }
        }

        @Test
        void oneMessageSplitByteByByte() throws Exception {
            String a = request("split", "body with\r\n\r\nan empty line");
            byte[] b = bytes(a);
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            for (int i = 0; i < b.length; i++) {
                f.feed(b, i, 1, r);
                if (i < b.length - 1) {
                    assertThat(r.events).as("after byte %d", i).isEmpty();
                    assertThat(f.buffered()).isEqualTo(i + 1);
                }
            }
            assertThat(r.events).containsExactly(a);
            assertThat(f.buffered()).isZero();
        }

        @Test
        void aMessageAndThePartOfTheNext() throws Exception {
            String a = request("first", "x");
            String b = request("second", "yz");
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            feed(f, a + b.substring(0, 40), r);
            assertThat(r.events).containsExactly(a);
            assertThat(f.buffered()).isEqualTo(40);
            feed(f, b.substring(40, b.length() - 1), r);
            assertThat(r.events).hasSize(1);
            feed(f, b.substring(b.length() - 1), r);
            assertThat(r.events).containsExactly(a, b);
        }

        @Test
        void feedsFromAnOffset() throws Exception {
            String a = request("off", "");
            byte[] buf = bytes("#####" + a + "#####");
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            f.feed(buf, 5, a.length(), r);
            assertThat(r.events).containsExactly(a);
        }

        @Test
        void compactAndOddlySpacedContentLength() throws Exception {
            String a = "OPTIONS sip:a@example.com SIP/2.0\r\nl: 3\r\n\r\nabc";
            String b = "OPTIONS sip:a@example.com SIP/2.0\r\nCONTENT-LENGTH \t:  2 \r\n\r\nde";
            String c = "OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nf";
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            feed(f, a + b + c, r);
            assertThat(r.events).containsExactly(a, b, c);
        }

        @Test
        void bareLfHeaderSection() throws Exception {
            String a = "OPTIONS sip:a@example.com SIP/2.0\nContent-Length: 4\n\nwxyz";
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            feed(f, a + a, r);
            assertThat(r.events).containsExactly(a, a);
        }
    }

    @Nested
    class Keepalives {
        @Test
        void doubleCrlfIsAPingSingleCrlfAPong() throws Exception {
            String a = request("ka", "");
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            feed(f, "\r\n\r\n" + a + "\r\n" + a + "\r\n\r\n\r\n" + a, r);
            assertThat(r.events).containsExactly("PING", a, "PONG", a, "PING", "PONG", a);
            assertThat(f.buffered()).isZero();
        }

        @Test
        void aPingSplitAcrossReadsIsOnePingNotTwoPongs() throws Exception {
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            for (String part : new String[] {"\r", "\n", "\r"}) {
                feed(f, part, r);
                assertThat(r.events).isEmpty(); // the rest of a ping may still come
            }
            assertThat(f.buffered()).isEqualTo(3);
            feed(f, "\n", r);
            assertThat(r.events).containsExactly("PING");
            assertThat(f.buffered()).isZero();
        }

        @Test
        void aCrlfIsAPongOnceWhatFollowsShowsItIsNoPing() throws Exception {
            String a = request("po", "");
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            feed(f, "\r\n", r);
            assertThat(r.events).isEmpty();
            feed(f, a, r);
            assertThat(r.events).containsExactly("PONG", a);
        }

        @Test
        void strayLfIsSkippedSilently() throws Exception {
            String a = request("lf", "");
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            feed(f, "\n" + a, r);
            assertThat(r.events).containsExactly(a);
        }

        @Test
        void pingsBetweenSplitMessages() throws Exception {
            String a = request("p", "12");
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            feed(f, "\r\n\r\n" + a.substring(0, 10), r);
            assertThat(r.events).containsExactly("PING");
            feed(f, a.substring(10) + "\r\n\r\n", r);
            assertThat(r.events).containsExactly("PING", a, "PING");
        }
    }

    @Nested
    class Unframeable {
        @Test
        void missingContentLengthThrowsAndSpendsTheFramer() throws Exception {
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            SipParseException e = feedFailing(f, "OPTIONS sip:a@example.com SIP/2.0\r\nCall-ID: x\r\n\r\n", r);
            assertThat(e.violation()).isEqualTo(Violation.MISSING_CONTENT_LENGTH_ON_STREAM);
            assertThat(r.events).isEmpty();
            assertThat(f.buffered()).isZero();
            assertThatThrownBy(() -> feed(f, request("after", ""), r)).isInstanceOf(IllegalStateException.class);
            assertThat(r.events).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"-999", "-1", "five", "", "1 0", "+3", "0x1"})
        void badContentLengthThrows(String value) {
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            SipParseException e = feedFailing(f,
                "INVITE sip:a@example.com SIP/2.0\r\nContent-Length: " + value + "\r\n\r\nv=0\r\n", r);
            assertThat(e.violation()).isEqualTo(Violation.BAD_CONTENT_LENGTH);
            assertThat(r.events).isEmpty();
            assertThatThrownBy(() -> feed(f, "\r\n", r)).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void conflictingContentLengthThrows() {
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            SipParseException e = feedFailing(f,
                "OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: 13\r\nl: 5\r\n\r\nThere's no way", r);
            assertThat(e.violation()).isEqualTo(Violation.CONFLICTING_CONTENT_LENGTH);
            assertThat(f.buffered()).isZero();
        }

        @Test
        void messagesBeforeTheBadOneAreStillDelivered() {
            String good = request("ok", "fine");
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            SipParseException e = feedFailing(f, good + "OPTIONS sip:a@example.com SIP/2.0\r\nl: -1\r\n\r\n", r);
            assertThat(e.violation()).isEqualTo(Violation.BAD_CONTENT_LENGTH);
            assertThat(r.events).containsExactly(good);
        }

        @Test
        void contentLengthLargerThanTheDataWaitsForMore() throws Exception {
            StreamFramer f = new StreamFramer(SipLimits.DEFAULT);
            Recorder r = new Recorder();
            String head = "INVITE sip:a@example.com SIP/2.0\r\nContent-Length: 9999\r\n\r\n";
            feed(f, head + "v=0\r\n", r);
            assertThat(r.events).isEmpty();
            assertThat(f.buffered()).isEqualTo(head.length() + 5);
        }
    }

    @Nested
    class Oversize {
        private final SipLimits limits = new SipLimits(256, 8, 64, 2);

        @Test
        void declaredSizeOverTheLimitIsRefusedBeforeTheBodyArrives() {
            StreamFramer f = new StreamFramer(limits);
            Recorder r = new Recorder();
            SipParseException e = feedFailing(f, "MESSAGE sip:a@example.com SIP/2.0\r\nl: 250\r\n\r\n", r);
            assertThat(e.violation()).isEqualTo(Violation.MESSAGE_TOO_LARGE);
            assertThat(f.buffered()).isZero();
            assertThatThrownBy(() -> feed(f, "x", r)).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void exactlyTheLimitIsAccepted() throws Exception {
            String head = "MESSAGE sip:a@example.com SIP/2.0\r\nl: ";
            int bodyLen = 256 - (head.length() + 3 + 4);
            String msg = head + bodyLen + "\r\n\r\n" + "b".repeat(bodyLen);
            assertThat(msg).hasSize(256);
            StreamFramer f = new StreamFramer(limits);
            Recorder r = new Recorder();
            feed(f, msg, r);
            assertThat(r.events).containsExactly(msg);
            String over = head + (bodyLen + 1) + "\r\n\r\n" + "b".repeat(bodyLen + 1);
            assertThat(feedFailing(new StreamFramer(limits), over, new Recorder()).violation())
                .isEqualTo(Violation.MESSAGE_TOO_LARGE);
        }

        @Test
        void endlessHeaderSectionIsRefused() throws Exception {
            StreamFramer f = new StreamFramer(limits);
            Recorder r = new Recorder();
            feed(f, "MESSAGE sip:a@example.com SIP/2.0\r\n", r);
            StringBuilder sb = new StringBuilder();
            SipParseException e = null;
            for (int i = 0; i < 100 && e == null; i++) {
                sb.setLength(0);
                sb.append("X-Pad-").append(i).append(": 0123456789\r\n");
                try {
                    feed(f, sb.toString(), r);
                } catch (SipParseException ex) {
                    e = ex;
                }
            }
            assertThat(e).isNotNull();
            assertThat(e.violation()).isEqualTo(Violation.MESSAGE_TOO_LARGE);
            assertThat(r.events).isEmpty();
        }
    }
}
