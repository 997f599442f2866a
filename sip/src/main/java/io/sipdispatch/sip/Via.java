package io.sipdispatch.sip;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One Via value (RFC 3261 §20.42): {@code SIP/2.0/UDP host:port;branch=…;received=…;rport=…;maddr=…}.
 * Whitespace is allowed around '/' and ':' and the parameters' ';' and '=' (RFC 3261 §25.1 SLASH, COLON,
 * SEMI, EQUAL), as in RFC 4475 §3.1.1.1. A {@code received} may be an IPv6 address with or without
 * brackets (RFC 5118 §4.5). Parsing records offsets; host and parameters become Strings when asked for.
 */
public final class Via {
    /** The magic cookie that marks an RFC 3261 branch (§8.1.1.7). */
    public static final String MAGIC_COOKIE = "z9hG4bK";
    private static final String BRANCH = "branch";

    private final byte[] b;
    private final int protoStart;
    private final int protoEnd;     // one past the version
    private final String transport; // upper case
    private final int hostStart;
    private final int hostEnd;
    private final int port;
    private final Params params;
    private String host;
    private String branch;

    private Via(byte[] b, int protoStart, int protoEnd, String transport, int hostStart, int hostEnd, int port,
                Params params) {
        this.b = b;
        this.protoStart = protoStart;
        this.protoEnd = protoEnd;
        this.transport = transport;
        this.hostStart = hostStart;
        this.hostEnd = hostEnd;
        this.port = port;
        this.params = params;
    }

    /** Parses the first value of a Via line held in {@code b[from, to)}. */
    static Via parseFirst(byte[] b, int from, int to) throws SipParseException {
        int cut = HeaderValues.firstCut(b, from, to);
        return parse(b, from, cut < 0 ? to : cut);
    }

    /** Parses one Via value; a syntax error raises {@link Violation#MALFORMED_VIA}. */
    public static Via parse(String v) throws SipParseException {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        return parse(b, 0, b.length);
    }

    static Via parse(byte[] b, int from, int to) throws SipParseException {
        while (from < to && Chars.isWs(b[from])) {
            from++;
        }
        while (to > from && Chars.isWs(b[to - 1])) {
            to--;
        }
        // sent-protocol = protocol-name SLASH protocol-version SLASH transport
        int i = token(b, from, to);
        int nameEnd = i;
        i = slash(b, i, to, from);
        int vs = i;
        i = token(b, i, to);
        int vEnd = i;
        i = slash(b, i, to, from);
        int ts = i;
        i = token(b, i, to);
        if (nameEnd == from || vEnd == vs || i == ts || i >= to || !Chars.isWs(b[i])) {
            throw bad(b, from, to);
        }
        String transport = transport(b, ts, i);
        while (i < to && Chars.isWs(b[i])) {
            i++;
        }
        int hs = i;
        if (i < to && b[i] == '[') {
            while (i < to && b[i] != ']') {
                i++;
            }
            if (i >= to) {
                throw bad(b, from, to);
            }
            i++;
        } else {
            while (i < to && isHostChar(b[i])) {
                i++;
            }
            if (i == hs) {
                throw bad(b, from, to);
            }
        }
        int he = i;
        int port = -1;
        int j = i;
        while (j < to && Chars.isWs(b[j])) {
            j++;
        }
        if (j < to && b[j] == ':') {
            j++;
            while (j < to && Chars.isWs(b[j])) {
                j++;
            }
            int ps = j;
            while (j < to && Chars.isDigit(b[j])) {
                j++;
            }
            long p = Numbers.parseDecimal(b, ps, j, 65535);
            if (p < 0) {
                throw bad(b, from, to);
            }
            port = (int) p;
            i = j;
        }
        Params params = Params.parse(b, i, to, true, BRANCH);
        if (params == null) {
            throw bad(b, from, to);
        }
        return new Via(b, from, vEnd, transport, hs, he, port, params);
    }

    private static int token(byte[] b, int i, int to) {
        while (i < to && Chars.isToken(b[i])) {
            i++;
        }
        return i;
    }

    /** Skips {@code SWS "/" SWS} and returns the index after it. */
    private static int slash(byte[] b, int i, int to, int from) throws SipParseException {
        while (i < to && Chars.isWs(b[i])) {
            i++;
        }
        if (i >= to || b[i] != '/') {
            throw bad(b, from, to);
        }
        i++;
        while (i < to && Chars.isWs(b[i])) {
            i++;
        }
        return i;
    }

    private static String transport(byte[] b, int from, int to) {
        int len = to - from;
        if (len == 3) {
            int c0 = b[from] | 0x20;
            int c1 = b[from + 1] | 0x20;
            int c2 = b[from + 2] | 0x20;
            if (c0 == 'u' && c1 == 'd' && c2 == 'p') {
                return "UDP";
            }
            if (c0 == 't' && c1 == 'c' && c2 == 'p') {
                return "TCP";
            }
            if (c0 == 't' && c1 == 'l' && c2 == 's') {
                return "TLS";
            }
        }
        return new String(b, from, len, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
    }

    private static boolean isHostChar(byte c) {
        return Chars.isHostChar(c);
    }

    private static SipParseException bad(byte[] b, int from, int to) {
        return new SipParseException(Violation.MALFORMED_VIA, "Via: " + new String(b, from, to - from, StandardCharsets.UTF_8));
    }

    /** {@code SIP/2.0} (or whatever name/version the value carries), without the whitespace around '/'. */
    public String protocol() {
        StringBuilder sb = new StringBuilder(7);
        for (int i = protoStart; i < protoEnd; i++) {
            if (!Chars.isWs(b[i])) {
                sb.append((char) b[i]);
            }
        }
        String p = sb.toString();
        return p.equalsIgnoreCase("SIP/2.0") ? "SIP/2.0" : p;
    }

    /** The transport, upper case: UDP, TCP, TLS, SCTP, WS, WSS or any other token. */
    public String transport() {
        return transport;
    }

    /** The sent-by host as written; an IPv6 reference keeps its brackets. */
    public String host() {
        if (host == null) {
            host = new String(b, hostStart, hostEnd - hostStart, StandardCharsets.UTF_8);
        }
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
        if (branch == null) {
            branch = params.get(BRANCH);
        }
        return branch;
    }

    /** Whether the branch carries the RFC 3261 magic cookie, so it identifies the transaction alone. */
    public boolean hasRfc3261Branch() {
        String br = branch();
        return br != null && br.startsWith(MAGIC_COOKIE);
    }

    /** Whether the branch is the magic cookie and nothing else (RFC 4475 §3.2.1). */
    boolean hasEmptyBranch() {
        return params.valueEquals(BRANCH, MAGIC_COOKIE);
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
        return (int) params.getNumber("rport", 65535);
    }

    public String maddr() {
        return params.get("maddr");
    }

    @Override
    public String toString() {
        return protocol() + "/" + transport + " " + host() + (port >= 0 ? ":" + port : "") + params;
    }
}
