package io.sipdispatch.sip;

/**
 * A named way in which a SIP message breaks RFC 3261 (or a limit of ours), with the status code a proxy
 * answers a request with. {@link #DROP} means no answer is possible or allowed: the message is discarded
 * and counted (every bad response, and requests too broken to answer).
 *
 * <p>A violation that is {@linkplain #tolerable() tolerable} is one that RFC 4475 allows a liberal element
 * to repair (extra SP in the request line, spaces inside {@code <>}, …): in {@link ComplianceMode#LENIENT}
 * it is recorded on the message and the message goes on; in {@link ComplianceMode#STRICT} it rejects.
 */
public enum Violation {
    // Framing and limits (RFC 3261 §7.5, §18.3, §20.14).
    MESSAGE_TOO_LARGE(513, false, "message exceeds the size limit"),
    TOO_MANY_HEADERS(400, false, "too many header lines"),
    HEADER_LINE_TOO_LONG(400, false, "header line exceeds the length limit"),
    TOO_MANY_VIAS(400, false, "too many Via values"),
    TRUNCATED_HEADERS(400, true, "header section not closed by an empty line"),
    MALFORMED_HEADER_LINE(400, false, "header line without a name and colon"),
    BAD_CONTENT_LENGTH(400, false, "Content-Length is not a non-negative decimal number"),
    CONFLICTING_CONTENT_LENGTH(400, false, "several different Content-Length values"),
    BODY_SHORTER_THAN_CONTENT_LENGTH(400, false, "Content-Length larger than the body received"),
    MISSING_CONTENT_LENGTH_ON_STREAM(400, false, "Content-Length is mandatory on a stream transport"),

    // Start line (RFC 3261 §7.1, §7.2).
    MALFORMED_START_LINE(400, false, "start line is not Method SP Request-URI SP SIP-Version"),
    EXTRA_WHITESPACE_IN_START_LINE(400, true, "extra whitespace in the request line"),
    UNSUPPORTED_VERSION(505, false, "SIP version is not 2.0"),
    BAD_STATUS_CODE(0 /* DROP */, false, "status code is not three digits between 100 and 699"),
    MALFORMED_RESPONSE(0 /* DROP */, false, "response is malformed"),

    // Request-URI (RFC 3261 §16.3 item 2, §19.1).
    MALFORMED_REQUEST_URI(400, false, "Request-URI does not parse"),
    BRACKETED_REQUEST_URI(400, false, "Request-URI enclosed in <>"),
    HEADERS_IN_REQUEST_URI(400, false, "Request-URI carries ?headers (RFC 3261 §19.1.5)"),
    UNSUPPORTED_URI_SCHEME(416, false, "Request-URI scheme is not sip, sips or tel"),

    // Mandatory and singleton header fields (RFC 3261 §8.1.1, §20).
    MISSING_HEADER(400, false, "a mandatory header field is missing"),
    DUPLICATE_HEADER(400, false, "a single-valued header field occurs more than once"),
    MALFORMED_CSEQ(400, false, "CSeq is not a 32-bit number and a method"),
    CSEQ_METHOD_MISMATCH(400, false, "CSeq method differs from the request method"),
    CSEQ_METHOD_MISMATCH_UNKNOWN_METHOD(501, false, "unknown method whose CSeq names another method"),
    MALFORMED_MAX_FORWARDS(400, false, "Max-Forwards is not a number from 0 to 255"),
    MALFORMED_VIA(400, false, "Via does not parse"),
    EMPTY_BRANCH(400, true, "Via branch is the magic cookie alone"),
    MALFORMED_NAME_ADDR(400, false, "From, To, Contact, Route or Record-Route does not parse"),
    UNQUOTED_DISPLAY_NAME_CHARS(400, false, "display name has characters that need quoting"),
    SPACES_IN_ADDR_SPEC(400, true, "whitespace inside <> around the URI"),
    UNBRACKETED_URI_WITH_RESERVED(400, true, "URI with ',' ';' or '?' outside <> (RFC 3261 §20)"),

    // Proxy checks (RFC 3261 §16.3).
    TOO_MANY_HOPS(483, false, "Max-Forwards is 0"),
    BAD_EXTENSION(420, false, "Proxy-Require names an option tag this proxy does not support");

    /** The pseudo status code for "drop and count, do not answer". */
    public static final int DROP = 0;

    private final int statusCode;
    private final boolean tolerable;
    private final String reason;

    Violation(int statusCode, boolean tolerable, String reason) {
        this.statusCode = statusCode;
        this.tolerable = tolerable;
        this.reason = reason;
    }

    /** The status code a proxy answers a request with, or {@link #DROP}. A response is always dropped. */
    public int statusCode() {
        return statusCode;
    }

    /** Whether {@link ComplianceMode#LENIENT} lets the message through with this violation recorded. */
    public boolean tolerable() {
        return tolerable;
    }

    /** One line for logs, metrics and the reason phrase's detail. */
    public String reason() {
        return reason;
    }

    /** The standard reason phrase of {@link #statusCode()}. */
    public String reasonPhrase() {
        return StatusCodes.reasonPhrase(statusCode);
    }
}
