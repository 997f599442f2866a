package io.sipdispatch.server.cli;

import io.sipdispatch.sip.ComplianceMode;
import io.sipdispatch.sip.SipLimits;
import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParseException;
import io.sipdispatch.sip.SipParser;
import io.sipdispatch.sip.SipValidator;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs the SIP codec over a handful of built-in messages, each with the outcome a strict proxy must reach,
 * and reports every one. A quick proof on a new machine that the build works end to end.
 */
final class SelfCheck {
    record Case(String name, String message, String expected) {
    }

    static final List<Case> CASES = List.of(
        new Case("INVITE with SDP", """
            INVITE sip:bob@127.0.0.1:5071 SIP/2.0\r
            Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-selfcheck-1;rport\r
            Max-Forwards: 70\r
            From: "Alice" <sip:alice@127.0.0.1>;tag=a1\r
            To: <sip:bob@127.0.0.1>\r
            Call-ID: selfcheck-1@127.0.0.1\r
            CSeq: 1 INVITE\r
            Contact: <sip:alice@127.0.0.1:5061>\r
            Content-Type: application/sdp\r
            Content-Length: 4\r
            \r
            v=0\r
            """, "forward"),
        new Case("compact headers and folding", """
            OPTIONS sip:gw@127.0.0.1 SIP/2.0\r
            v: SIP/2.0/UDP 127.0.0.1:5061\r
             ;branch=z9hG4bK-selfcheck-2\r
            f: <sip:alice@127.0.0.1>;tag=a2\r
            t: sip:gw@127.0.0.1\r
            i: selfcheck-2\r
            CSeq: 2 OPTIONS\r
            Max-Forwards: 0070\r
            l: 0\r
            \r
            """, "forward"),
        new Case("Max-Forwards 0", """
            OPTIONS sip:gw@127.0.0.1 SIP/2.0\r
            Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-selfcheck-3\r
            From: <sip:alice@127.0.0.1>;tag=a3\r
            To: <sip:gw@127.0.0.1>\r
            Call-ID: selfcheck-3\r
            CSeq: 3 OPTIONS\r
            Max-Forwards: 0\r
            Content-Length: 0\r
            \r
            """, "483"),
        new Case("unknown URI scheme", """
            OPTIONS urn:service:sos SIP/2.0\r
            Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-selfcheck-4\r
            From: <sip:alice@127.0.0.1>;tag=a4\r
            To: <sip:gw@127.0.0.1>\r
            Call-ID: selfcheck-4\r
            CSeq: 4 OPTIONS\r
            Max-Forwards: 70\r
            Content-Length: 0\r
            \r
            """, "416"),
        new Case("SIP/3.0", """
            OPTIONS sip:gw@127.0.0.1 SIP/3.0\r
            Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-selfcheck-5\r
            From: <sip:alice@127.0.0.1>;tag=a5\r
            To: <sip:gw@127.0.0.1>\r
            Call-ID: selfcheck-5\r
            CSeq: 5 OPTIONS\r
            Content-Length: 0\r
            \r
            """, "505"),
        new Case("negative Content-Length", """
            OPTIONS sip:gw@127.0.0.1 SIP/2.0\r
            Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-selfcheck-6\r
            From: <sip:alice@127.0.0.1>;tag=a6\r
            To: <sip:gw@127.0.0.1>\r
            Call-ID: selfcheck-6\r
            CSeq: 6 OPTIONS\r
            Content-Length: -5\r
            \r
            """, "400"),
        new Case("status code 1000", """
            SIP/2.0 1000 Huge\r
            Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-selfcheck-7\r
            Content-Length: 0\r
            \r
            """, "drop"));

    private SelfCheck() {
    }

    /** Prints one line per case and returns the number of cases that did not get their outcome. */
    static int run(PrintStream out) {
        SipParser parser = new SipParser(SipLimits.DEFAULT);
        SipValidator validator = SipValidator.forProxy(ComplianceMode.STRICT, SipLimits.DEFAULT);
        int failed = 0;
        for (Case c : CASES) {
            String got = outcome(parser, validator, c.message().getBytes(StandardCharsets.UTF_8));
            boolean ok = got.equals(c.expected());
            failed += ok ? 0 : 1;
            out.printf("%-4s %-28s %s%s%n", ok ? "ok" : "FAIL", c.name(), got, ok ? "" : " (expected " + c.expected() + ")");
        }
        return failed;
    }

    static String outcome(SipParser parser, SipValidator validator, byte[] bytes) {
        SipValidator.Verdict v;
        try {
            SipMessage m = parser.parseDatagram(bytes, 0, bytes.length);
            v = validator.validate(m);
            if (v.ok()) {
                m.edit().pushVia("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-selfcheck").decrementMaxForwards().toBytes();
                return m.isRequest() ? "forward" : "drop";
            }
        } catch (SipParseException e) {
            v = SipValidator.of(e);
        }
        return v.drop() ? "drop" : Integer.toString(v.statusCode());
    }
}
