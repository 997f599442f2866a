package io.sipdispatch.sip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code ;name=value} parameters of a URI, Via or name-addr, in their written order. Names compare
 * case-insensitively; values are kept as written (quoted strings with their quotes). A parameter without
 * {@code =} has a null value, which {@link #has(String)} tells apart from an absent one ({@code ;lr},
 * {@code ;rport}).
 */
public final class Params {
    static final Params EMPTY = new Params(Collections.emptyList());

    private final List<String> pairs; // name, value, name, value…

    Params(List<String> pairs) {
        this.pairs = pairs;
    }

    public int size() {
        return pairs.size() / 2;
    }

    public String name(int i) {
        return pairs.get(2 * i);
    }

    public String value(int i) {
        return pairs.get(2 * i + 1);
    }

    public boolean has(String name) {
        return find(name) >= 0;
    }

    /** The value of {@code name}, or null when absent or written without a value. */
    public String get(String name) {
        int i = find(name);
        return i < 0 ? null : pairs.get(2 * i + 1);
    }

    private int find(String name) {
        for (int i = 0; i < pairs.size(); i += 2) {
            if (pairs.get(i).equalsIgnoreCase(name)) {
                return i / 2;
            }
        }
        return -1;
    }

    /**
     * Parses {@code ;a=b;c} from {@code s[from, to)}, which starts at a ';' (or is empty). Whitespace around
     * ';' and '=' is allowed when {@code lws} (header parameters, RFC 3261 §25.1 SEMI and EQUAL), not in a
     * URI. A value may be a quoted string. Returns null on a syntax error (an empty name, an unterminated
     * quote).
     */
    static Params parse(String s, int from, int to, boolean lws) {
        if (from >= to) {
            return EMPTY;
        }
        List<String> out = new ArrayList<>(4);
        int i = from;
        while (i < to) {
            if (lws) {
                i = skipWs(s, i, to);
            }
            if (i >= to) {
                break;
            }
            if (s.charAt(i) != ';') {
                return null;
            }
            i++;
            if (lws) {
                i = skipWs(s, i, to);
            }
            int ns = i;
            while (i < to && isParamChar(s.charAt(i), lws)) {
                i++;
            }
            if (i == ns) {
                return null;
            }
            String name = s.substring(ns, i);
            int j = lws ? skipWs(s, i, to) : i;
            String value = null;
            if (j < to && s.charAt(j) == '=') {
                j++;
                if (lws) {
                    j = skipWs(s, j, to);
                }
                int vs = j;
                if (j < to && s.charAt(j) == '"') {
                    j++;
                    while (j < to && s.charAt(j) != '"') {
                        if (s.charAt(j) == '\\') {
                            j++;
                        }
                        j++;
                    }
                    if (j >= to) {
                        return null;
                    }
                    j++;
                } else if (j < to && s.charAt(j) == '[') {
                    // IPv6 reference as a value (received=[2001:db8::9:255], RFC 5118 §4.5).
                    while (j < to && s.charAt(j) != ']') {
                        j++;
                    }
                    if (j >= to) {
                        return null;
                    }
                    j++;
                } else {
                    while (j < to && isParamChar(s.charAt(j), lws)) {
                        j++;
                    }
                }
                value = s.substring(vs, j);
                i = j;
            } else {
                i = j;
            }
            out.add(name);
            out.add(value);
        }
        return new Params(out);
    }

    private static boolean isParamChar(char c, boolean header) {
        if (c > 0x7e || c <= ' ') {
            return c > 0x7f && header; // UTF-8 in a header parameter is tolerated, never in a URI
        }
        return c != ';' && c != '=' && c != ',' && c != '"' && c != '<' && c != '>' && c != '?'
            && !(header && c == '\t');
    }

    private static int skipWs(String s, int i, int to) {
        while (i < to && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pairs.size(); i += 2) {
            sb.append(';').append(pairs.get(i));
            if (pairs.get(i + 1) != null) {
                sb.append('=').append(pairs.get(i + 1));
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Params p && p.pairs.equals(pairs);
    }

    @Override
    public int hashCode() {
        return pairs.hashCode();
    }
}
