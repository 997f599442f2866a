package io.sipdispatch.sip;

import java.nio.charset.StandardCharsets;

/**
 * The {@code ;name=value} parameters of a URI, Via or name-addr, in their written order. Names compare
 * case-insensitively; values are kept as written (quoted strings with their quotes). A parameter without
 * {@code =} has a null value, which {@link #has(String)} tells apart from an absent one ({@code ;lr},
 * {@code ;rport}).
 *
 * <p>Nothing but the range in the message's bytes is kept; a value becomes a String when it is asked for,
 * so a proxy that reads one parameter of five pays for one.
 */
public final class Params {
    static final Params EMPTY = new Params(new byte[0], 0, 0, false, 0);

    private static final int NAME = 0;
    private static final int VALUE = 1;
    private static final long NONE = -1;      // no such parameter
    private static final long NO_VALUE = -2;  // the parameter is there, without '='

    private final byte[] b;
    private final int from;
    private final int to;
    private final boolean lws;
    private final int n;
    // One lookup answered in advance by parse(..., remember); compared by identity with the asked name.
    private String rememberedName;
    private long rememberedRange;

    private Params(byte[] b, int from, int to, boolean lws, int n) {
        this.b = b;
        this.from = from;
        this.to = to;
        this.lws = lws;
        this.n = n;
    }

    public int size() {
        return n;
    }

    public String name(int i) {
        return str(walk(i, null, NAME));
    }

    /** The value of parameter {@code i} as written, or null when it has none. */
    public String value(int i) {
        return str(walk(i, null, VALUE));
    }

    public boolean has(String name) {
        return walk(-1, name, VALUE) != NONE;
    }

    /** The value of {@code name}, or null when absent or written without a value. */
    public String get(String name) {
        return str(walk(-1, name, VALUE));
    }

    /** The value of {@code name} as a decimal number up to {@code max}; -1 when absent, empty or not one. */
    long getNumber(String name, long max) {
        long r = walk(-1, name, VALUE);
        return r < 0 ? -1 : Numbers.parseDecimal(b, (int) (r >>> 32), (int) r, max);
    }

    /** Whether parameter {@code name}'s value is exactly {@code value} (case-sensitive). */
    boolean valueEquals(String name, String value) {
        long r = walk(-1, name, VALUE);
        if (r < 0) {
            return false;
        }
        int vs = (int) (r >>> 32);
        int len = (int) r - vs;
        if (len != value.length()) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            if (b[vs + k] != value.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private String str(long range) {
        if (range < 0) {
            return null;
        }
        int s = (int) (range >>> 32);
        return new String(b, s, (int) range - s, StandardCharsets.UTF_8);
    }

    /**
     * Walks the parameters, which {@link #parse} has already checked, to the one selected by position
     * ({@code name == null}) or by name, and returns {@code start << 32 | end} of its name or value,
     * {@link #NO_VALUE} or {@link #NONE}. Keeping offsets of nothing means a message's parameters cost one
     * small object until a value is asked for.
     */
    private long walk(int index, String name, int what) {
        if (name != null && name == rememberedName) {
            return rememberedRange;
        }
        int i = from;
        int k = 0;
        while (i < to) {
            i = skip(i);
            if (i >= to) {
                break;
            }
            i = skip(i + 1); // ';'
            int ns = i;
            while (i < to && isParamChar(b[i], lws)) {
                i++;
            }
            int ne = i;
            int j = skip(i);
            int vs = -1;
            if (j < to && b[j] == '=') {
                vs = skip(j + 1);
                j = valueEnd(b, vs, to, lws);
            } else {
                j = i;
            }
            boolean selected = name == null ? k == index : nameEquals(ns, ne, name);
            if (selected) {
                if (what == NAME) {
                    return (long) ns << 32 | ne;
                }
                return vs < 0 ? NO_VALUE : (long) vs << 32 | j;
            }
            i = j;
            k++;
        }
        return NONE;
    }

    private int skip(int i) {
        if (lws) {
            while (i < to && (b[i] == ' ' || b[i] == '\t')) {
                i++;
            }
        }
        return i;
    }

    private boolean nameEquals(int ns, int ne, String name) {
        return nameEquals(b, ns, ne, name);
    }

    private static boolean nameEquals(byte[] b, int ns, int ne, String name) {
        int len = name.length();
        if (ne - ns != len) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            int c = b[ns + k];
            int d = name.charAt(k);
            if (c != d && ((c | 0x20) != (d | 0x20) || !isLetter(d))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(int c) {
        int l = c | 0x20;
        return l >= 'a' && l <= 'z';
    }

    /**
     * Checks {@code ;a=b;c} in {@code b[from, to)}, which starts at a ';' (or is empty). Whitespace around
     * ';' and '=' is allowed when {@code lws} (header parameters, RFC 3261 §25.1 SEMI and EQUAL), not in a
     * URI. A value may be a quoted string or an IPv6 reference. Returns null on a syntax error (an empty
     * name, an unterminated quote).
     */
    static Params parse(byte[] b, int from, int to, boolean lws) {
        return parse(b, from, to, lws, null);
    }

    /**
     * As {@link #parse(byte[], int, int, boolean)}, noting on the way where the value of parameter
     * {@code remember} is: the one parameter its caller will surely ask for (a Via's branch), found in the
     * same pass that checks the syntax.
     */
    static Params parse(byte[] b, int from, int to, boolean lws, String remember) {
        if (from >= to) {
            return EMPTY;
        }
        long remembered = NONE;
        int n = 0;
        int i = from;
        while (i < to) {
            if (lws) {
                i = skipWs(b, i, to);
            }
            if (i >= to) {
                break;
            }
            if (b[i] != ';') {
                return null;
            }
            i++;
            if (lws) {
                i = skipWs(b, i, to);
            }
            int ns = i;
            while (i < to && isParamChar(b[i], lws)) {
                i++;
            }
            if (i == ns) {
                return null;
            }
            int ne = i;
            int j = lws ? skipWs(b, i, to) : i;
            long range = NO_VALUE;
            if (j < to && b[j] == '=') {
                j++;
                if (lws) {
                    j = skipWs(b, j, to);
                }
                int vs = j;
                j = valueEnd(b, j, to, lws);
                if (j < 0) {
                    return null;
                }
                range = (long) vs << 32 | j;
                i = j;
            }
            if (remember != null && remembered == NONE && nameEquals(b, ns, ne, remember)) {
                remembered = range;
            }
            n++;
        }
        Params p = new Params(b, from, to, lws, n);
        if (remember != null) {
            p.rememberedName = remember;
            p.rememberedRange = remembered;
        }
        return p;
    }

    /** One past a value starting at {@code j}: a quoted string, an IPv6 reference or a token; -1 if unterminated. */
    private static int valueEnd(byte[] b, int j, int to, boolean lws) {
        if (j < to && b[j] == '"') {
            j++;
            while (j < to && b[j] != '"') {
                if (b[j] == '\\') {
                    j++;
                }
                j++;
            }
            return j >= to ? -1 : j + 1;
        }
        if (j < to && b[j] == '[') {
            // IPv6 reference as a value (received=[2001:db8::9:255], RFC 5118 §4.5).
            while (j < to && b[j] != ']') {
                j++;
            }
            return j >= to ? -1 : j + 1;
        }
        while (j < to && isParamChar(b[j], lws)) {
            j++;
        }
        return j;
    }

    /** Characters of a parameter name or token value: in a URI (index 0) and in a header (index 1). */
    private static final boolean[][] PARAM_CHARS = new boolean[2][256];

    static {
        for (int c = 0x21; c < 0x7f; c++) {
            boolean ok = c != ';' && c != '=' && c != ',' && c != '"' && c != '<' && c != '>' && c != '?';
            PARAM_CHARS[0][c] = ok;
            PARAM_CHARS[1][c] = ok;
        }
        // UTF-8 in a header parameter is tolerated, never in a URI.
        for (int c = 0x80; c < 0x100; c++) {
            PARAM_CHARS[1][c] = true;
        }
    }

    private static boolean isParamChar(byte c, boolean header) {
        return PARAM_CHARS[header ? 1 : 0][c & 0xff];
    }

    private static int skipWs(byte[] b, int i, int to) {
        while (i < to && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(';').append(name(i));
            String v = value(i);
            if (v != null) {
                sb.append('=').append(v);
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Params p && p.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
