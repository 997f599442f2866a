package io.sipdispatch.sip;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target over the codec. In the normal build it replays the saved inputs under
 * {@code src/test/resources/io/sipdispatch/sip/SipParserFuzzTestInputs/parse/}; with {@code JAZZER_FUZZ=1}
 * it fuzzes (see README: "Fuzzing the codec"). The property: whatever the bytes, the only exception that
 * escapes parsing, validation, rewriting and stream framing is the codec's own {@link SipParseException},
 * and each of them finishes (Jazzer reports a hang as a finding).
 */
class SipParserFuzzTest {
    private final SipParser parser = new SipParser(SipLimits.DEFAULT);
    private final SipValidator strict = SipValidator.forProxy(ComplianceMode.STRICT, SipLimits.DEFAULT);
    private final SipValidator lenient = SipValidator.forProxy(ComplianceMode.LENIENT, SipLimits.DEFAULT);

    @FuzzTest(maxDuration = "10m")
    void parse(byte[] data) {
        datagram(data);
        stream(data);
    }

    private void datagram(byte[] data) {
        SipMessage m;
        try {
            m = parser.parseDatagram(data, 0, data.length);
        } catch (SipParseException e) {
            SipValidator.of(e);
            return;
        }
        readEverything(m);
        SipValidator.Verdict v = lenient.validate(m);
        strict.validate(m);
        if (!v.ok()) {
            return;
        }
        try {
            byte[] out = m.edit()
                .pushVia("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-fuzz")
                .setTopViaReceived("127.0.0.2", 5062)
                .pushRecordRoute("sip:127.0.0.1:5060;lr")
                .decrementMaxForwards()
                .toBytes();
            SipMessage fwd = parser.parseDatagram(out, 0, out.length);
            if (fwd.bodyLength() != m.bodyLength()) {
                throw new AssertionError("rewrite changed the body length");
            }
            if (m.isRequest()) {
                m.edit().popRoute().setRequestUriHostPort("127.0.0.3", 5071).toBytes();
            }
        } catch (SipParseException e) {
            // A lenient-accepted message may still fail a second parse (e.g. its Request-URI); that is an answer.
        }
    }

    private static void readEverything(SipMessage m) {
        for (int i = 0; i < m.headerCount(); i++) {
            m.header(i);
            m.headerName(i);
            m.headerValue(i);
        }
        m.callId();
        m.requestUriString();
        m.reasonPhrase();
        m.body();
        try {
            m.requestUri();
        } catch (SipParseException ignored) {
            // an answer, not a crash
        }
        try {
            m.topVia();
            m.vias();
        } catch (SipParseException ignored) {
            // an answer, not a crash
        }
        try {
            m.from();
            m.to();
        } catch (SipParseException ignored) {
            // an answer, not a crash
        }
        try {
            m.cseq();
            m.maxForwards();
            m.routes();
            m.recordRoutes();
        } catch (SipParseException ignored) {
            // an answer, not a crash
        }
        m.values(Header.CONTACT);
        m.values(Header.PROXY_REQUIRE);
    }

    private void stream(byte[] data) {
        StreamFramer framer = new StreamFramer(SipLimits.DEFAULT);
        StreamFramer.Sink sink = new StreamFramer.Sink() {
            @Override
            public void message(byte[] buf, int off, int len) {
                try {
                    parser.parseFrame(buf, off, len);
                } catch (SipParseException ignored) {
                    // an answer, not a crash
                }
            }

            @Override
            public void keepalive(boolean ping) {
            }
        };
        try {
            // Two uneven chunks, so that a message split across reads is exercised too.
            int half = data.length / 3;
            framer.feed(data, 0, half, sink);
            framer.feed(data, half, data.length - half, sink);
        } catch (SipParseException ignored) {
            // the transport closes the connection
        }
    }
}
