package io.sipdispatch.sip;

/**
 * The value of From, To, Contact, Route, Record-Route and Path: {@code "Display" <uri>;params} or the bare
 * {@code uri;params} form (RFC 3261 §20.10, §25.1 name-addr / addr-spec).
 *
 * <p>A tolerable violation (spaces inside {@code <>}, RFC 4475 §3.1.2.14; a bare URI holding ',' or '?',
 * §3.1.2.13) is repaired and reported by {@link #violation()}; anything worse does not parse.
 */
public final class NameAddr {
    private final String displayName;
    private final SipUri uri;
    private final Params params;
    private final boolean bracketed;
    private final Violation violation;

    private NameAddr(String displayName, SipUri uri, Params params, boolean bracketed, Violation violation) {
        this.displayName = displayName;
        this.uri = uri;
        this.params = params;
        this.bracketed = bracketed;
        this.violation = violation;
    }

    public static NameAddr parse(String v) throws SipParseException {
        int len = v.length();
        int i = skipWs(v, 0, len);
        String display = null;
        Violation violation = null;
        int lt;
        if (i < len && v.charAt(i) == '"') {
            int j = i + 1;
            while (j < len && v.charAt(j) != '"') {
                if (v.charAt(j) == '\\') {
                    j++;
                }
                j++;
            }
            if (j >= len) {
                throw bad(Violation.MALFORMED_NAME_ADDR, "unterminated quoted display name", v);
            }
            display = v.substring(i, j + 1);
            lt = skipWs(v, j + 1, len);
            if (lt >= len || v.charAt(lt) != '<') {
                throw bad(Violation.MALFORMED_NAME_ADDR, "quoted display name not followed by <", v);
            }
        } else {
            lt = v.indexOf('<', i);
            if (lt >= 0) {
                int de = lt;
                while (de > i && Chars.isWs(v.charAt(de - 1))) {
                    de--;
                }
                for (int k = i; k < de; k++) {
                    char c = v.charAt(k);
                    if (!(Chars.isWs(c) || (c < 0x80 && Chars.isToken(c)))) {
                        throw bad(Violation.UNQUOTED_DISPLAY_NAME_CHARS, "'" + c + "' in an unquoted display name", v);
                    }
                }
                display = de > i ? v.substring(i, de) : null;
            }
        }
        SipUri uri;
        int rest;
        boolean bracketed = lt >= 0;
        if (bracketed) {
            int gt = v.indexOf('>', lt);
            if (gt < 0) {
                throw bad(Violation.MALFORMED_NAME_ADDR, "< without >", v);
            }
            int us = lt + 1;
            int ue = gt;
            if (us < ue && (Chars.isWs(v.charAt(us)) || Chars.isWs(v.charAt(ue - 1)))) {
                violation = Violation.SPACES_IN_ADDR_SPEC;
                us = skipWs(v, us, ue);
                while (ue > us && Chars.isWs(v.charAt(ue - 1))) {
                    ue--;
                }
            }
            uri = uri(v.substring(us, ue), v);
            rest = gt + 1;
        } else {
            // addr-spec: the URI ends at the first ';', which starts the header's own parameters.
            int semi = v.indexOf(';', i);
            int ue = semi < 0 ? len : semi;
            while (ue > i && Chars.isWs(v.charAt(ue - 1))) {
                ue--;
            }
            String u = v.substring(i, ue);
            if (u.indexOf('?') >= 0 || u.indexOf(',') >= 0) {
                violation = Violation.UNBRACKETED_URI_WITH_RESERVED;
            }
            uri = uri(u, v);
            rest = semi < 0 ? len : semi;
        }
        Params params = Params.parse(v, rest, trimEnd(v, rest, len), true);
        if (params == null) {
            throw bad(Violation.MALFORMED_NAME_ADDR, "bad parameters", v);
        }
        return new NameAddr(display, uri, params, bracketed, violation);
    }

    private static SipUri uri(String u, String whole) throws SipParseException {
        SipUri uri = SipUri.tryParse(u);
        if (uri == null) {
            throw bad(Violation.MALFORMED_NAME_ADDR, "bad URI", whole);
        }
        return uri;
    }

    private static SipParseException bad(Violation v, String what, String value) {
        return new SipParseException(v, what + ": " + value);
    }

    private static int skipWs(String s, int i, int to) {
        while (i < to && Chars.isWs(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int trimEnd(String s, int from, int to) {
        while (to > from && Chars.isWs(s.charAt(to - 1))) {
            to--;
        }
        return to;
    }

    /** The display name as written (quoted with its quotes, or the bare tokens), or null. */
    public String displayName() {
        return displayName;
    }

    public SipUri uri() {
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
        if (displayName != null) {
            sb.append(displayName).append(' ');
        }
        sb.append('<').append(uri).append('>').append(params);
        return sb.toString();
    }
}
