package io.sipdispatch.bench;

import java.nio.charset.StandardCharsets;

/** The messages the codec benchmarks and {@link RewriteFidelity} run over. */
public final class Messages {

    /** The proxy's own address, for the Via and Record-Route every rewrite adds. */
    static final String PROXY_HOST = "10.0.0.1";
    static final int PROXY_PORT = 5060;
    /** A fixed branch, so every library writes the same Via. */
    static final String PROXY_BRANCH = "z9hG4bK-bench-1";

    /** The SDP offer both INVITEs carry: 300 bytes. */
    static final String SDP = lines(
        "v=0",
        "o=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com",
        "s=-",
        "c=IN IP4 192.0.2.101",
        "t=0 0",
        "m=audio 49172 RTP/AVP 0 8 18 101",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:18 G729/8000",
        "a=fmtp:18 annexb=no",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=ptime:20",
        "a=sendrecv");

    /**
     * An INVITE as a proxy meets it after one hop (p1.atlanta.example.com has already added its Via and
     * Record-Route), with a pre-loaded Route and an SDP offer. Canonical header names, one value per line.
     */
    public static final byte[] INVITE = bytes(lines(
        "INVITE sip:bob@biloxi.example.com:5060 SIP/2.0",
        "Via: SIP/2.0/UDP p1.atlanta.example.com:5060;branch=z9hG4bK2d4790.1;rport",
        "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;received=192.0.2.101;rport=5060;branch=z9hG4bK776asdhds",
        "Max-Forwards: 69",
        "From: \"Alice Liddell\" <sip:alice@atlanta.example.com>;tag=1928301774",
        "To: <sip:bob@biloxi.example.com>",
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
        "CSeq: 314159 INVITE",
        "Contact: <sip:alice@pc33.atlanta.example.com:5060;transport=udp>",
        "Record-Route: <sip:p1.atlanta.example.com;lr>",
        "Route: <sip:edge.biloxi.example.com;lr>",
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, REFER, NOTIFY, INFO",
        "Supported: replaces, timer, 100rel",
        "User-Agent: ExamplePhone/4.2.1",
        "Content-Type: application/sdp",
        "Content-Length: 300",
        "")
        + SDP);

    /**
     * The same INVITE as a less tidy sender writes it: compact forms ({@code v}, {@code f}, {@code i},
     * {@code l}), a name in odd case, no space or extra spaces after the colon, list values without spaces
     * and an unknown header. Every line is valid RFC 3261 syntax.
     */
    public static final byte[] INVITE_ODD = bytes(lines(
        "INVITE sip:bob@biloxi.example.com:5060 SIP/2.0",
        "v: SIP/2.0/UDP p1.atlanta.example.com:5060;branch=z9hG4bK2d4790.1;rport",
        "Via:  SIP/2.0/UDP pc33.atlanta.example.com:5060;received=192.0.2.101;rport=5060;branch=z9hG4bK776asdhds",
        "Max-Forwards: 69",
        "f: \"Alice Liddell\"<sip:alice@atlanta.example.com>;tag=1928301774",
        "To:<sip:bob@biloxi.example.com>",
        "i: a84b4c76e66710@pc33.atlanta.example.com",
        "CSeq:   314159 INVITE",
        "contact: <sip:alice@pc33.atlanta.example.com:5060;transport=udp>",
        "Record-Route: <sip:p1.atlanta.example.com;lr>",
        "Route: <sip:edge.biloxi.example.com;lr>",
        "Allow: INVITE,ACK,CANCEL,BYE,OPTIONS,PRACK,UPDATE,REFER,NOTIFY,INFO",
        "Supported: replaces,timer,100rel",
        "User-Agent: ExamplePhone/4.2.1",
        "X-Account-Ref: 7731 ; zone=eu",
        "Content-Type: application/sdp",
        "l: 300",
        "")
        + SDP);

    static {
        checkContentLength(INVITE, "Content-Length: ");
        checkContentLength(INVITE_ODD, "l: ");
    }

    private Messages() {
    }

    /** Lines joined and each ended with CRLF. */
    static String lines(String... lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append("\r\n");
        }
        return sb.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Fails class initialisation unless the Content-Length value equals the bytes after the empty line. */
    private static void checkContentLength(byte[] msg, String prefix) {
        String s = new String(msg, StandardCharsets.US_ASCII);
        int blank = s.indexOf("\r\n\r\n");
        int at = s.indexOf("\r\n" + prefix);
        if (blank < 0 || at < 0 || at > blank) {
            throw new IllegalStateException("no " + prefix.trim() + " header");
        }
        int vs = at + 2 + prefix.length();
        int declared = Integer.parseInt(s.substring(vs, s.indexOf("\r\n", vs)).trim());
        int actual = msg.length - (blank + 4);
        if (declared != actual) {
            throw new IllegalStateException("Content-Length " + declared + " but the body has " + actual + " bytes");
        }
    }
}
