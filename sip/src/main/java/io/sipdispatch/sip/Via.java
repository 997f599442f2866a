package io.sipdispatch.sip;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One Via value (RFC 3261 §20.42): {@code SIP/2.0/UDP host:port;branch=…;received=…;rport=…;maddr=…}.
 * Whitespace is allowed around '/' and ':' and the parameters' ';' and '=' (RFC 3261 §25.1 SLASH, COLON,
 * SEMI, EQUAL), as in RFC 4475 §3.1.1.1. A {@code received} may be an IPv6 address with or without
 * brackets (RFC 5118 §4.5).
 */
public final class Via {
    /** The magic cookie that marks an RFC 3261 branch (§8.1.1.7). */
    public static final String MAGIC_COOKIE = "z9hG4bK";

    private final String protocol;   // "SIP/2.0"
    private final String transport;  // upper case
    private final String host;
    private final int port;
    private final Params params;

    private Via(String protocol, String transport, String host, int port, Params params) {
        this.protocol = protocol;
        this.transport = transport;
        this.host = host;
        this.port = port;
        this.params = params;
    }

    /** Parses the first value of a Via line held in {@code b[from, to)}. */
    static Via parseFirst(byte[] b, int from, int to) throws SipParseException {
        int cut = HeaderValues.firstCut(b, from, to);
        int end = cut < 0 ? to : cut;
        return parse(new String(b, from, end - from, StandardCharsets.UTF_8));
    }

    /** Parses one Via value; a syntax error raises {@link Violation#MALFORMED_VIA}. */
    public static Via parse(String v) throws SipParseException {
        String s = v.trim();
        int len = s.length();
        int[] pos = {0};
        String name = token(s, pos);
        slash(s, pos, v);
        String version = token(s, pos);
        slash(s, pos, v);
        String transport = token(s, pos);
        if (name == null || version == null || transport == null) {
            throw bad(v);
        }
        int i = pos[0];
        if (i >= len || !Chars.isWs(s.charAt(i))) {
            throw bad(v);
        }
        i = skipWs(s, i, len);
        String host;
        if (i < len && s.charAt(i) == '[') {
            int close = s.indexOf(']', i);
            if (close < 0) {
                throw bad(v);
            }
            host = s.substring(i, close + 1);
            i = close + 1;
        } else {
            int hs = i;
            while (i < len && isHostChar(s.charAt(i))) {
                i++;
            }
            if (i == hs) {
                throw bad(v);
            }
            host = s.substring(hs, i);
        }
        int port = -1;
        int j = skipWs(s, i, len);
        if (j < len && s.charAt(j) == ':') {
            j = skipWs(s, j + 1, len);
            int ps = j;
            while (j < len && Chars.isDigit(s.charAt(j))) {
                j++;
            }
            long p = Numbers.parseDecimal(s.substring(ps, j), 65535);
            if (p < 0) {
                throw bad(v);
            }
            port = (int) p;
            i = j;
        }
        Params params = Params.parse(s, i, len, true);
        if (params == null) {
            throw bad(v);
        }
        String protocol = "SIP".equalsIgnoreCase(name) && "2.0".equals(version) ? "SIP/2.0" : name + "/" + version;
        return new Via(protocol, upper(transport), host, port, params);
    }

    private static String upper(String t) {
        switch (t) {
            case "UDP":
            case "udp":
                return "UDP";
            case "TCP":
            case "tcp":
                return "TCP";
            case "TLS":
            case "tls":
                return "TLS";
            default:
                return t.toUpperCase(Locale.ROOT);
        }
    }

    private static String token(String s, int[] pos) {
        int i = pos[0];
        int st = i;
        while (i < s.length() && Chars.isToken(s.charAt(i))) {
            i++;
        }
        pos[0] = i;
        return i > st ? s.substring(st, i) : null;
    }

    private static void slash(String s, int[] pos, String v) throws SipParseException {
        int i = skipWs(s, pos[0], s.length());
        if (i >= s.length() || s.charAt(i) != '/') {
            throw bad(v);
        }
        pos[0] = skipWs(s, i + 1, s.length());
    }

    private static boolean isHostChar(char c) {
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z' || Chars.isDigit(c) || c == '-' || c == '.' || c == '_';
    }

    private static int skipWs(String s, int i, int to) {
        while (i < to && Chars.isWs(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static SipParseException bad(String v) {
        return new SipParseException(Violation.MALFORMED_VIA, "Via: " + v);
    }

    /** {@code SIP/2.0} (or whatever name/version the value carries). */
    public String protocol() {
        return protocol;
    }

    /** The transport, upper case: UDP, TCP, TLS, SCTP, WS, WSS or any other token. */
    public String transport() {
        return transport;
    }

    /** The sent-by host as written; an IPv6 reference keeps its brackets. */
    public String host() {
        return host;
    }

    /** The sent-by port, or -1 when absent. */
    public int port() {
        return port;
    }

    public Params params() {
        return params;
    }

    public String branch() {
        return params.get("branch");
    }

    /** Whether the branch carries the RFC 3261 magic cookie, so it identifies the transaction alone. */
    public boolean hasRfc3261Branch() {
        String b = branch();
        return b != null && b.startsWith(MAGIC_COOKIE);
    }

    public String received() {
        return params.get("received");
    }

    /** Whether {@code rport} is present, with or without a value (RFC 3581 §4). */
    public boolean hasRport() {
        return params.has("rport");
    }

    /** The value of {@code rport}, or -1 when absent or empty. */
    public int rport() {
        String r = params.get("rport");
        if (r == null) {
            return -1;
        }
        long n = Numbers.parseDecimal(r, 65535);
        return (int) n;
    }

    public String maddr() {
        return params.get("maddr");
    }

    @Override
    public String toString() {
        return protocol + "/" + transport + " " + host + (port >= 0 ? ":" + port : "") + params;
    }
}
