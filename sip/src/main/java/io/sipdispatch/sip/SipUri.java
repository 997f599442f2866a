package io.sipdispatch.sip;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A URI as SIP carries it (RFC 3261 §19.1): {@code sip:user:password@host:port;params?headers}, the same for
 * {@code sips:}, {@code tel:number;params} (RFC 3966), and any other scheme kept opaque (RFC 4475 §3.3.2: an
 * unknown scheme must parse; the proxy then answers 416).
 *
 * <p>Parts are kept as written: {@link #user()} still has its %-escapes ({@link #userUnescaped()} decodes
 * them, once, never recursively: RFC 4475 §3.1.1.3). An IPv6 reference keeps its brackets in
 * {@link #host()}, as Kamailio's {@code $rd} does; {@link #hostAddress()} drops them.
 */
public final class SipUri {
    private final String raw;
    private final String scheme;
    private final String user;
    private final String password;
    private final String host;
    private final int port;
    private final Params params;
    private final String headers;

    private SipUri(String raw, String scheme, String user, String password, String host, int port, Params params,
                   String headers) {
        this.raw = raw;
        this.scheme = scheme;
        this.user = user;
        this.password = password;
        this.host = host;
        this.port = port;
        this.params = params;
        this.headers = headers;
    }

    /** Parses a URI; a syntax error raises {@link Violation#MALFORMED_REQUEST_URI}. */
    public static SipUri parse(String s) throws SipParseException {
        SipUri u = tryParse(s);
        if (u == null) {
            throw new SipParseException(Violation.MALFORMED_REQUEST_URI, "bad URI: " + s);
        }
        return u;
    }

    static SipUri parse(byte[] b, int from, int to) throws SipParseException {
        return parse(new String(b, from, to - from, StandardCharsets.UTF_8));
    }

    /** Parses a URI, or returns null when it does not parse. */
    public static SipUri tryParse(String s) {
        int colon = s.indexOf(':');
        if (colon <= 0 || !isScheme(s, colon)) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80 && !Chars.isUriChar(c)) {
                return null;
            }
        }
        String scheme = canonicalScheme(s.substring(0, colon));
        if (scheme == "sip" || scheme == "sips") {
            return parseSip(s, scheme, colon + 1);
        }
        if (scheme == "tel") {
            int semi = s.indexOf(';', colon + 1);
            int end = semi < 0 ? s.length() : semi;
            if (end == colon + 1) {
                return null;
            }
            Params p = Params.parse(s, end, s.length(), false);
            return p == null ? null : new SipUri(s, scheme, s.substring(colon + 1, end), null, null, -1, p, null);
        }
        if (colon + 1 == s.length()) {
            return null;
        }
        return new SipUri(s, scheme, null, null, null, -1, Params.EMPTY, null);
    }

    private static SipUri parseSip(String s, String scheme, int from) {
        int len = s.length();
        // The first '@' ends the userinfo: '@' is legal neither in host, params nor headers, while ';' '?'
        // and ':' are legal in a user part (RFC 3261 §25.1 user-unreserved, RFC 4475 §3.1.1.9).
        int at = s.indexOf('@', from);
        String user = null;
        String password = null;
        int h = from;
        if (at >= 0) {
            int pc = s.indexOf(':', from);
            int userEnd = pc >= 0 && pc < at ? pc : at;
            if (userEnd == from || !validEscapes(s, from, at)) {
                return null;
            }
            user = s.substring(from, userEnd);
            if (userEnd < at) {
                password = s.substring(userEnd + 1, at);
            }
            h = at + 1;
        }
        String host;
        int i;
        if (h < len && s.charAt(h) == '[') {
            int close = s.indexOf(']', h);
            if (close < 0 || !isIpv6Ref(s, h + 1, close)) {
                return null;
            }
            host = s.substring(h, close + 1);
            i = close + 1;
        } else {
            i = h;
            while (i < len && isHostChar(s.charAt(i))) {
                i++;
            }
            if (i == h) {
                return null;
            }
            host = s.substring(h, i);
        }
        int port = -1;
        if (i < len && s.charAt(i) == ':') {
            int ps = ++i;
            while (i < len && Chars.isDigit(s.charAt(i))) {
                i++;
            }
            long p = Numbers.parseDecimal(s.substring(ps, i), 65535);
            if (p < 0) {
                return null;
            }
            port = (int) p;
        }
        int q = s.indexOf('?', i);
        int paramsEnd = q < 0 ? len : q;
        if (i < paramsEnd && s.charAt(i) != ';') {
            return null;
        }
        Params params = Params.parse(s, i, paramsEnd, false);
        if (params == null) {
            return null;
        }
        String headers = q < 0 ? null : s.substring(q + 1);
        if (headers != null && (headers.isEmpty() || !validEscapes(s, q + 1, len))) {
            return null;
        }
        return new SipUri(s, scheme, user, password, host, port, params, headers);
    }

    private static boolean isScheme(String s, int end) {
        char c0 = s.charAt(0);
        if (!((c0 | 0x20) >= 'a' && (c0 | 0x20) <= 'z')) {
            return false;
        }
        for (int i = 1; i < end; i++) {
            char c = s.charAt(i);
            boolean ok = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || Chars.isDigit(c) || c == '+' || c == '-' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Interned lower-case names for the schemes a proxy compares with ==. */
    private static String canonicalScheme(String s) {
        if (s.equalsIgnoreCase("sip")) {
            return "sip";
        }
        if (s.equalsIgnoreCase("sips")) {
            return "sips";
        }
        if (s.equalsIgnoreCase("tel")) {
            return "tel";
        }
        return s.toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean isHostChar(char c) {
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z' || Chars.isDigit(c) || c == '-' || c == '.' || c == '_';
    }

    /**
     * An IPv6 reference's contents: hex digits, ':' and '.' (for a dotted IPv4 tail). Three colons in a row
     * are tolerated, as RFC 5118 §4.10 asks of an implementation, since RFC 3261's ABNF allows them.
     */
    private static boolean isIpv6Ref(String s, int from, int to) {
        if (to - from < 2) {
            return false;
        }
        boolean colon = false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == ':') {
                colon = true;
            } else if (!(Chars.isDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') || c == '.')) {
                return false;
            }
        }
        return colon;
    }

    private static boolean validEscapes(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '%') {
                if (i + 2 >= to) {
                    return false;
                }
                if (hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
                    return false;
                }
                i += 2;
            }
        }
        return true;
    }

    private static int hex(char c) {
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
            if (b[i] == '%' && i + 2 < b.length && hex((char) b[i + 1]) >= 0 && hex((char) b[i + 2]) >= 0) {
                out.write(hex((char) b[i + 1]) * 16 + hex((char) b[i + 2]));
                i += 2;
            } else {
                out.write(b[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
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
        return user;
    }

    public String userUnescaped() {
        return unescape(user);
    }

    public String password() {
        return password;
    }

    /** The host as written; an IPv6 reference keeps its brackets. Null for tel and opaque URIs. */
    public String host() {
        return host;
    }

    /** The host without IPv6 brackets. */
    public String hostAddress() {
        return host != null && host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
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
        return t == null ? null : t.toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether the URI has the loose-routing {@code lr} parameter (RFC 3261 §19.1.1). */
    public boolean lr() {
        return params.has("lr");
    }

    /** The {@code ?headers} part without its '?', or null. */
    public String headers() {
        return headers;
    }

    @Override
    public String toString() {
        return raw;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SipUri u && u.raw.equals(raw);
    }

    @Override
    public int hashCode() {
        return raw.hashCode();
    }
}
