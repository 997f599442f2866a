package io.sipdispatch.sip;

import java.nio.charset.StandardCharsets;

/**
 * The value of From, To, Contact, Route, Record-Route and Path: {@code "Display" <uri>;params} or the bare
 * {@code uri;params} form (RFC 3261 §20.10, §25.1 name-addr / addr-spec).
 *
 * <p>A tolerable violation (spaces inside {@code <>}, RFC 4475 §3.1.2.14; a bare URI holding ',' or '?',
 * §3.1.2.13) is repaired and reported by {@link #violation()}; anything worse does not parse.
 */
public final class NameAddr {
    private final byte[] b;
    private final int displayStart; // -1: no display name
    private final int displayEnd;
    private final int uriStart;
    private final int uriEnd;
    private SipUri uri;
    private final Params params;
    private final boolean bracketed;
    private final Violation violation;

    private NameAddr(byte[] b, int displayStart, int displayEnd, int uriStart, int uriEnd, Params params,
                     boolean bracketed, Violation violation) {
        this.b = b;
        this.displayStart = displayStart;
        this.displayEnd = displayEnd;
        this.uriStart = uriStart;
        this.uriEnd = uriEnd;
        this.params = params;
        this.bracketed = bracketed;
        this.violation = violation;
    }

    /** Parses a name-addr or addr-spec, URI included: anything malformed raises the codec's exception. */
    public static NameAddr parse(String v) throws SipParseException {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        NameAddr na = parseLazily(b, 0, b.length);
        na.uri();
        return na;
    }

    /**
     * Parses display name and parameters now and the URI on the first {@link #uri()}: a proxy reading the
     * From tag of every request never pays for the From URI.
     */
    static NameAddr parseLazily(byte[] b, int from, int to) throws SipParseException {
        int i = skipWs(b, from, to);
        int ds = -1;
        int de = -1;
        Violation violation = null;
        int lt;
        if (i < to && b[i] == '"') {
            int j = i + 1;
            while (j < to && b[j] != '"') {
                if (b[j] == '\\') {
                    j++;
                }
                j++;
            }
            if (j >= to) {
                throw bad(Violation.MALFORMED_NAME_ADDR, "unterminated quoted display name", b, from, to);
            }
            ds = i;
            de = j + 1;
            lt = skipWs(b, j + 1, to);
            if (lt >= to || b[lt] != '<') {
                throw bad(Violation.MALFORMED_NAME_ADDR, "quoted display name not followed by <", b, from, to);
            }
        } else {
            lt = indexOf(b, i, to, (byte) '<');
            if (lt >= 0) {
                int e = lt;
                while (e > i && Chars.isWs(b[e - 1])) {
                    e--;
                }
                for (int k = i; k < e; k++) {
                    byte c = b[k];
                    if (!(Chars.isWs(c) || Chars.isToken(c))) {
                        throw bad(Violation.UNQUOTED_DISPLAY_NAME_CHARS, "'" + (char) c + "' in an unquoted display name",
                            b, from, to);
                    }
                }
                if (e > i) {
                    ds = i;
                    de = e;
                }
            }
        }
        int uriStart;
        int uriEnd;
        int rest;
        boolean bracketed = lt >= 0;
        if (bracketed) {
            int gt = indexOf(b, lt, to, (byte) '>');
            if (gt < 0) {
                throw bad(Violation.MALFORMED_NAME_ADDR, "< without >", b, from, to);
            }
            int us = lt + 1;
            int ue = gt;
            if (us < ue && (Chars.isWs(b[us]) || Chars.isWs(b[ue - 1]))) {
                violation = Violation.SPACES_IN_ADDR_SPEC;
                us = skipWs(b, us, ue);
                while (ue > us && Chars.isWs(b[ue - 1])) {
                    ue--;
                }
            }
            uriStart = us;
            uriEnd = ue;
            rest = gt + 1;
        } else {
            // addr-spec: the URI ends at the first ';', which starts the header's own parameters.
            int semi = indexOf(b, i, to, (byte) ';');
            int ue = semi < 0 ? to : semi;
            while (ue > i && Chars.isWs(b[ue - 1])) {
                ue--;
            }
            if (indexOf(b, i, ue, (byte) '?') >= 0 || indexOf(b, i, ue, (byte) ',') >= 0) {
                violation = Violation.UNBRACKETED_URI_WITH_RESERVED;
            }
            uriStart = i;
            uriEnd = ue;
            rest = semi < 0 ? to : semi;
        }
        int pe = to;
        while (pe > rest && Chars.isWs(b[pe - 1])) {
            pe--;
        }
        Params params = Params.parse(b, rest, pe, true);
        if (params == null) {
            throw bad(Violation.MALFORMED_NAME_ADDR, "bad parameters", b, from, to);
        }
        return new NameAddr(b, ds, de, uriStart, uriEnd, params, bracketed, violation);
    }

    private static SipParseException bad(Violation v, String what, byte[] b, int from, int to) {
        return new SipParseException(v, what + ": " + new String(b, from, to - from, StandardCharsets.UTF_8));
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        return SipParser.indexOf(b, from, to, c);
    }

    private static int skipWs(byte[] b, int i, int to) {
        while (i < to && Chars.isWs(b[i])) {
            i++;
        }
        return i;
    }

    /** The display name as written (quoted with its quotes, or the bare tokens), or null. */
    public String displayName() {
        return displayStart < 0 ? null : new String(b, displayStart, displayEnd - displayStart, StandardCharsets.UTF_8);
    }

    /** The URI, parsed on first use; a malformed one raises {@link Violation#MALFORMED_NAME_ADDR}. */
    public SipUri uri() throws SipParseException {
        if (uri == null) {
            uri = SipUri.tryParse(b, uriStart, uriEnd);
            if (uri == null) {
                throw new SipParseException(Violation.MALFORMED_NAME_ADDR,
                    "bad URI: " + new String(b, uriStart, uriEnd - uriStart, StandardCharsets.UTF_8));
            }
        }
        return uri;
    }

    public Params params() {
        return params;
    }

    /** The {@code tag} parameter (RFC 3261 §19.3), or null. */
    public String tag() {
        return params.get("tag");
    }

    /** Whether the URI was written inside {@code <>}. */
    public boolean bracketed() {
        return bracketed;
    }

    /** A tolerable violation that was repaired while parsing, or null. */
    public Violation violation() {
        return violation;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        String d = displayName();
        if (d != null) {
            sb.append(d).append(' ');
        }
        sb.append('<').append(new String(b, uriStart, uriEnd - uriStart, StandardCharsets.UTF_8)).append('>').append(params);
        return sb.toString();
    }
}
