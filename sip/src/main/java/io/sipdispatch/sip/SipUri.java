package io.sipdispatch.sip;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A URI as SIP carries it (RFC 3261 §19.1): {@code sip:user:password@host:port;params?headers}, the same for
 * {@code sips:}, {@code tel:number;params} (RFC 3966), and any other scheme kept opaque (RFC 4475 §3.3.2: an
 * unknown scheme must parse; the proxy then answers 416).
 *
 * <p>Parts are kept as written: {@link #user()} still has its %-escapes ({@link #userUnescaped()} decodes
 * them, once, never recursively: RFC 4475 §3.1.1.3). An IPv6 reference keeps its brackets in
 * {@link #host()}, as Kamailio's {@code $rd} does; {@link #hostAddress()} drops them. Parsing records
 * offsets only; each part becomes a String when first asked for.
 */
public final class SipUri {
    private final byte[] b;
    private final int from;
    private final int to;
    private final String scheme;
    private final int userStart;   // -1: no user part
    private final int userEnd;
    private final int passStart;   // -1: no password
    private final int hostStart;   // -1: no host (tel, opaque)
    private final int hostEnd;
    private final int port;
    private final Params params;
    private final int headersStart; // -1: no ?headers

    private String raw;
    private String host;

    private SipUri(byte[] b, int from, int to, String scheme, int userStart, int userEnd, int passStart,
                   int hostStart, int hostEnd, int port, Params params, int headersStart) {
        this.b = b;
        this.from = from;
        this.to = to;
        this.scheme = scheme;
        this.userStart = userStart;
        this.userEnd = userEnd;
        this.passStart = passStart;
        this.hostStart = hostStart;
        this.hostEnd = hostEnd;
        this.port = port;
        this.params = params;
        this.headersStart = headersStart;
    }

    /** Parses a URI; a syntax error raises {@link Violation#MALFORMED_REQUEST_URI}. */
    public static SipUri parse(String s) throws SipParseException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return parse(b, 0, b.length);
    }

    static SipUri parse(byte[] b, int from, int to) throws SipParseException {
        SipUri u = tryParse(b, from, to);
        if (u == null) {
            throw new SipParseException(Violation.MALFORMED_REQUEST_URI,
                "bad URI: " + new String(b, from, to - from, StandardCharsets.UTF_8));
        }
        return u;
    }

    /** Parses a URI, or returns null when it does not parse. */
    public static SipUri tryParse(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return tryParse(b, 0, b.length);
    }

    /** Parses the URI in {@code b[from, to)}, or returns null when it does not parse. */
    static SipUri tryParse(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Chars.isUriChar(b[i])) {
                return null;
            }
        }
        int colon = SipParser.indexOf(b, from, to, (byte) ':');
        if (colon <= from || !isScheme(b, from, colon)) {
            return null;
        }
        String scheme = canonicalScheme(b, from, colon);
        if (scheme == "sip" || scheme == "sips") {
            return parseSip(b, from, to, scheme, colon + 1);
        }
        if (scheme == "tel") {
            int end = colon + 1;
            while (end < to && b[end] != ';') {
                end++;
            }
            if (end == colon + 1) {
                return null;
            }
            Params p = Params.parse(b, end, to, false);
            return p == null ? null : new SipUri(b, from, to, scheme, colon + 1, end, -1, -1, -1, -1, p, -1);
        }
        if (colon + 1 == to) {
            return null;
        }
        return new SipUri(b, from, to, scheme, -1, -1, -1, -1, -1, -1, Params.EMPTY, -1);
    }

    private static SipUri parseSip(byte[] b, int from, int to, String scheme, int start) {
        // The first '@' ends the userinfo: '@' is legal neither in host, params nor headers, while ';' '?'
        // and ':' are legal in a user part (RFC 3261 §25.1 user-unreserved, RFC 4475 §3.1.1.9).
        int at = SipParser.indexOf(b, start, to, (byte) '@');
        int pc = at < 0 ? -1 : SipParser.indexOf(b, start, at, (byte) ':');
        int userStart = -1;
        int userEnd = -1;
        int passStart = -1;
        int h = start;
        if (at >= 0) {
            userEnd = pc >= 0 ? pc : at;
            if (userEnd == start || !validEscapes(b, start, at)) {
                return null;
            }
            userStart = start;
            if (pc >= 0) {
                passStart = pc + 1;
            }
            h = at + 1;
        }
        int i;
        if (h < to && b[h] == '[') {
            int close = h;
            while (close < to && b[close] != ']') {
                close++;
            }
            if (close >= to || !isIpv6Ref(b, h + 1, close)) {
                return null;
            }
            i = close + 1;
        } else {
            i = h;
            while (i < to && isHostChar(b[i])) {
                i++;
            }
            if (i == h) {
                return null;
            }
        }
        int hostEnd = i;
        int port = -1;
        if (i < to && b[i] == ':') {
            int ps = ++i;
            while (i < to && Chars.isDigit(b[i])) {
                i++;
            }
            long p = Numbers.parseDecimal(b, ps, i, 65535);
            if (p < 0) {
                return null;
            }
            port = (int) p;
        }
        int q = i;
        while (q < to && b[q] != '?') {
            q++;
        }
        if (i < q && b[i] != ';') {
            return null;
        }
        Params params = Params.parse(b, i, q, false);
        if (params == null) {
            return null;
        }
        int headersStart = -1;
        if (q < to) {
            headersStart = q + 1;
            if (headersStart == to || !validEscapes(b, headersStart, to)) {
                return null;
            }
        }
        return new SipUri(b, from, to, scheme, userStart, userEnd, passStart, h, hostEnd, port, params, headersStart);
    }

    private static boolean isScheme(byte[] b, int from, int end) {
        if (!isAlpha(b[from])) {
            return false;
        }
        for (int i = from + 1; i < end; i++) {
            byte c = b[i];
            if (!(isAlpha(c) || Chars.isDigit(c) || c == '+' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlpha(byte c) {
        int l = c | 0x20;
        return l >= 'a' && l <= 'z';
    }

    /** Interned lower-case names for the schemes a proxy compares with ==. */
    private static String canonicalScheme(byte[] b, int from, int to) {
        int len = to - from;
        if (len == 3 && (b[from] | 0x20) == 's' && (b[from + 1] | 0x20) == 'i' && (b[from + 2] | 0x20) == 'p') {
            return "sip";
        }
        if (len == 4 && (b[from] | 0x20) == 's' && (b[from + 1] | 0x20) == 'i' && (b[from + 2] | 0x20) == 'p'
            && (b[from + 3] | 0x20) == 's') {
            return "sips";
        }
        if (len == 3 && (b[from] | 0x20) == 't' && (b[from + 1] | 0x20) == 'e' && (b[from + 2] | 0x20) == 'l') {
            return "tel";
        }
        return new String(b, from, len, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
    }

    private static boolean isHostChar(byte c) {
        return Chars.isHostChar(c);
    }

    /**
     * An IPv6 reference's contents: hex digits, ':' and '.' (for a dotted IPv4 tail). Three colons in a row
     * are tolerated, as RFC 5118 §4.10 asks of an implementation, since RFC 3261's ABNF allows them.
     */
    private static boolean isIpv6Ref(byte[] b, int from, int to) {
        if (to - from < 2) {
            return false;
        }
        boolean colon = false;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == ':') {
                colon = true;
            } else if (!(Chars.isDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') || c == '.')) {
                return false;
            }
        }
        return colon;
    }

    private static boolean validEscapes(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '%') {
                if (i + 2 >= to || hex(b[i + 1]) < 0 || hex(b[i + 2]) < 0) {
                    return false;
                }
                i += 2;
            }
        }
        return true;
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int l = c | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    /** Decodes %HH escapes once (RFC 3261 §19.1.2): {@code value%41} gives {@code valueA}, never more. */
    public static String unescape(String s) {
        if (s == null || s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '%' && i + 2 < b.length && hex(b[i + 1]) >= 0 && hex(b[i + 2]) >= 0) {
                out.write(hex(b[i + 1]) * 16 + hex(b[i + 2]));
                i += 2;
            } else {
                out.write(b[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private String str(int s, int e) {
        return new String(b, s, e - s, StandardCharsets.UTF_8);
    }

    public String scheme() {
        return scheme;
    }

    /** Whether the scheme is sip or sips (so user, host, port and params are meaningful). */
    public boolean isSip() {
        return scheme == "sip" || scheme == "sips";
    }

    public boolean isSips() {
        return scheme == "sips";
    }

    public boolean isTel() {
        return scheme == "tel";
    }

    /** The user part as written (a tel URI's number), or null. */
    public String user() {
        return userStart < 0 ? null : str(userStart, userEnd);
    }

    public String userUnescaped() {
        return unescape(user());
    }

    public String password() {
        if (passStart < 0) {
            return null;
        }
        int at = passStart;
        while (b[at] != '@') {
            at++;
        }
        return str(passStart, at);
    }

    /** The host as written; an IPv6 reference keeps its brackets. Null for tel and opaque URIs. */
    public String host() {
        if (host == null && hostStart >= 0) {
            host = str(hostStart, hostEnd);
        }
        return host;
    }

    /** The host without IPv6 brackets. */
    public String hostAddress() {
        String h = host();
        return h != null && h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }

    /** The explicit port, or -1. */
    public int port() {
        return port;
    }

    public Params params() {
        return params;
    }

    public String param(String name) {
        return params.get(name);
    }

    /** The {@code transport} parameter, lower-cased, or null. */
    public String transport() {
        String t = params.get("transport");
        return t == null ? null : t.toLowerCase(Locale.ROOT);
    }

    /** Whether the URI has the loose-routing {@code lr} parameter (RFC 3261 §19.1.1). */
    public boolean lr() {
        return params.has("lr");
    }

    /** The {@code ?headers} part without its '?', or null. */
    public String headers() {
        return headersStart < 0 ? null : str(headersStart, to);
    }

    @Override
    public String toString() {
        if (raw == null) {
            raw = str(from, to);
        }
        return raw;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SipUri u && u.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
