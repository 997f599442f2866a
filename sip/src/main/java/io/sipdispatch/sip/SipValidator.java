package io.sipdispatch.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks a parsed message the way a proxy must before it forwards it (RFC 3261 §16.3 and §8.1.1), under a
 * {@link ComplianceMode}. The result names the first violation and the status code to answer with;
 * responses are never answered, so any violation in one means {@link Violation#DROP}.
 *
 * <p>What is checked, in order: violations the parser tolerated (extra whitespace, missing empty line);
 * the Request-URI (syntax → 400, ?headers → 400, scheme → 416); the mandatory fields Via, From, To,
 * Call-ID, CSeq and that the single-valued ones occur once; CSeq (32-bit number, method equal to the
 * request's: RFC 4475 §3.1.2.17 → 400, §3.1.2.18 → 501); Max-Forwards (0–255); every Via value; From, To,
 * Contact, Route and Record-Route syntax; and for a proxy Max-Forwards 0 → 483 and Proxy-Require → 420.
 */
public final class SipValidator {
    private static final Violation[] VIOLATIONS = Violation.values();
    private static final Header[] MANDATORY = {Header.VIA, Header.FROM, Header.TO, Header.CALL_ID, Header.CSEQ};
    private static final Header[] SINGLE = {Header.FROM, Header.TO, Header.CALL_ID, Header.CSEQ, Header.MAX_FORWARDS};
    private static final Header[] NAME_ADDRS = {Header.FROM, Header.TO, Header.CONTACT, Header.ROUTE, Header.RECORD_ROUTE};

    private final ComplianceMode mode;
    private final SipLimits limits;
    private final boolean proxy;
    private final Set<String> supportedOptionTags;

    private SipValidator(ComplianceMode mode, SipLimits limits, boolean proxy, Set<String> supportedOptionTags) {
        this.mode = mode;
        this.limits = limits;
        this.proxy = proxy;
        this.supportedOptionTags = supportedOptionTags;
    }

    /** The checks of a proxy that supports no extension named in Proxy-Require. */
    public static SipValidator forProxy(ComplianceMode mode, SipLimits limits) {
        return new SipValidator(mode, limits, true, Set.of());
    }

    /** The checks of a proxy that supports the option tags {@code supported} in Proxy-Require. */
    public static SipValidator forProxy(ComplianceMode mode, SipLimits limits, Set<String> supported) {
        return new SipValidator(mode, limits, true, Set.copyOf(supported));
    }

    /** Message syntax only: no hop count or extension check. */
    public static SipValidator syntaxOnly(ComplianceMode mode, SipLimits limits) {
        return new SipValidator(mode, limits, false, Set.of());
    }

    public ComplianceMode mode() {
        return mode;
    }

    /** The outcome of a check: {@link #OK}, or the first violation found. */
    public record Verdict(Violation violation, String detail, int statusCode, List<String> unsupported) {
        public static final Verdict OK = new Verdict(null, null, 200, List.of());

        public boolean ok() {
            return violation == null;
        }

        /** Whether the message must be dropped without an answer. */
        public boolean drop() {
            return violation != null && statusCode == Violation.DROP;
        }
    }

    /** Checks a message that parsed. */
    public Verdict validate(SipMessage m) {
        try {
            return check(m);
        } catch (SipParseException e) {
            return reject(m, e.violation(), e.getMessage(), List.of());
        }
    }

    /**
     * The verdict for one datagram: parsed with {@code parser} and checked, or, when it does not parse, the
     * verdict of that failure. Everything a stateless proxy needs to answer or drop what it received.
     */
    public Verdict validateDatagram(SipParser parser, byte[] b, int off, int len) {
        try {
            return validate(parser.parseDatagram(b, off, len));
        } catch (SipParseException e) {
            return of(e);
        }
    }

    /** The verdict for a message that did not parse. */
    public static Verdict of(SipParseException e) {
        SipMessage partial = e.partial();
        boolean request = partial != null ? partial.isRequest() : true;
        int code = request ? e.violation().statusCode() : Violation.DROP;
        // Without an indexed message there is nothing to build an answer from.
        if (partial == null || !canAnswer(partial)) {
            code = Violation.DROP;
        }
        return new Verdict(e.violation(), e.getMessage(), code, List.of());
    }

    private static boolean canAnswer(SipMessage m) {
        return m.isRequest() && m.has(Header.VIA) && m.has(Header.CALL_ID) && m.has(Header.CSEQ)
            && m.has(Header.FROM) && m.has(Header.TO);
    }

    private Verdict check(SipMessage m) throws SipParseException {
        if (m.hasTolerated()) {
            for (Violation v : VIOLATIONS) {
                if (m.tolerates(v) && mode.rejects(v)) {
                    return reject(m, v, v.reason(), List.of());
                }
            }
        }
        if (m.isRequest()) {
            String ruri = m.requestUriString();
            if (ruri.startsWith("<") && ruri.endsWith(">")) {
                return reject(m, Violation.BRACKETED_REQUEST_URI, ruri, List.of());
            }
            SipUri uri = m.requestUri();
            if (uri.isSip() && uri.headers() != null) {
                return reject(m, Violation.HEADERS_IN_REQUEST_URI, ruri, List.of());
            }
            if (!uri.isSip() && !uri.isTel()) {
                return reject(m, Violation.UNSUPPORTED_URI_SCHEME, uri.scheme(), List.of());
            }
        }
        for (Header h : MANDATORY) {
            if (!m.has(h)) {
                return reject(m, Violation.MISSING_HEADER, h.canonicalName(), List.of());
            }
        }
        for (Header h : SINGLE) {
            if (m.lineCount(h) > 1) {
                return reject(m, Violation.DUPLICATE_HEADER, h.canonicalName(), List.of());
            }
        }
        CSeq cseq = m.cseq();
        if (m.isRequest() && !cseq.method().equals(m.method())) {
            Violation v = SipMethod.isKnown(m.method()) ? Violation.CSEQ_METHOD_MISMATCH
                : Violation.CSEQ_METHOD_MISMATCH_UNKNOWN_METHOD;
            return reject(m, v, m.method() + " vs CSeq " + cseq.method(), List.of());
        }
        int maxForwards = m.maxForwards();
        // Every Via and name-addr is parsed over the message's bytes: no String per value.
        int[] vias = {0};
        m.forEachValue(Header.VIA, (b, from, to) -> {
            Via via = Via.parse(b, from, to);
            if (vias[0]++ == 0 && m.isRequest() && via.hasEmptyBranch() && mode.rejects(Violation.EMPTY_BRANCH)) {
                throw new SipParseException(Violation.EMPTY_BRANCH, "branch=" + Via.MAGIC_COOKIE);
            }
        });
        if (vias[0] > limits.maxVias()) {
            return reject(m, Violation.TOO_MANY_VIAS, vias[0] + " Via values", List.of());
        }
        for (Header h : NAME_ADDRS) {
            m.forEachValue(h, (b, from, to) -> {
                if (h == Header.CONTACT && to - from == 1 && b[from] == '*') {
                    return;
                }
                NameAddr na = NameAddr.parseLazily(b, from, to);
                na.uri();
                if (na.violation() != null && mode.rejects(na.violation())) {
                    throw new SipParseException(na.violation(),
                        h.canonicalName() + ": " + new String(b, from, to - from, java.nio.charset.StandardCharsets.UTF_8));
                }
            });
        }
        if (proxy && m.isRequest()) {
            if (maxForwards == 0) {
                return reject(m, Violation.TOO_MANY_HOPS, "Max-Forwards: 0", List.of());
            }
            List<String> unsupported = new ArrayList<>();
            for (String tag : m.values(Header.PROXY_REQUIRE)) {
                if (!tag.isEmpty() && !supportedOptionTags.contains(tag)) {
                    unsupported.add(tag);
                }
            }
            if (!unsupported.isEmpty()) {
                return reject(m, Violation.BAD_EXTENSION, String.join(", ", unsupported), List.copyOf(unsupported));
            }
        }
        return Verdict.OK;
    }

    private static Verdict reject(SipMessage m, Violation v, String detail, List<String> unsupported) {
        int code = m.isRequest() ? v.statusCode() : Violation.DROP;
        return new Verdict(v, detail, code, unsupported);
    }
}
