package io.sipdispatch.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A SIP request or response over the bytes it arrived in. {@link SipParser} indexes the start line and
 * every header line in one pass; values are parsed only when asked for and then cached. The message never
 * copies or changes its buffer: {@link MessageEditor} writes a new one, byte-identical where untouched.
 *
 * <p>Not thread-safe: a message belongs to the event loop that read it.
 */
public final class SipMessage {
    // Layout of one header entry in idx[]: four ints. A line's name end is found again by scanning its
    // token, and a line ends where the next begins (or at the empty line): fewer ints to allocate per message.
    static final int H_LINE_START = 0;   // first byte of the name
    static final int H_VALUE_START = 1;  // first byte of the value (after ':' and whitespace/folding)
    static final int H_VALUE_END = 2;    // one past the value's last non-whitespace byte
    static final int H_KIND = 3;         // Header ordinal | FOLDED
    static final int STRIDE = 4;
    static final int FOLDED = 1 << 16;

    private static final Header[] HEADERS = Header.values();

    final byte[] buf;
    final int start;
    final int end;
    final boolean request;
    final String method;        // request method, or null for a response
    final int uriStart;
    final int uriEnd;
    final int statusCode;       // response only
    final int reasonStart;
    final int reasonEnd;
    final int startLineEnd;     // first byte after the start line's terminator
    final int headersEnd;       // first byte of the empty line (or end of data when it is missing)
    final int bodyStart;
    final int[] idx;
    final int count;
    final int contentLength;    // -1 when absent
    private final long present; // bit per Header ordinal
    private final long tolerated; // bit per Violation ordinal, violations a lenient reader may accept

    // Values parsed on demand.
    private SipUri requestUri;
    private Via topVia;
    private String callId;
    private CSeq cseq;
    private NameAddr from;
    private NameAddr to;

    SipMessage(byte[] buf, int start, int end, boolean request, String method, int uriStart, int uriEnd,
               int statusCode, int reasonStart, int reasonEnd, int startLineEnd, int headersEnd, int bodyStart,
               int[] idx, int count, int contentLength, long present, long tolerated) {
        this.buf = buf;
        this.start = start;
        this.end = end;
        this.request = request;
        this.method = method;
        this.uriStart = uriStart;
        this.uriEnd = uriEnd;
        this.statusCode = statusCode;
        this.reasonStart = reasonStart;
        this.reasonEnd = reasonEnd;
        this.startLineEnd = startLineEnd;
        this.headersEnd = headersEnd;
        this.bodyStart = bodyStart;
        this.idx = idx;
        this.count = count;
        this.contentLength = contentLength;
        this.present = present;
        this.tolerated = tolerated;
    }

    // ---- start line ----------------------------------------------------------------------------------

    public boolean isRequest() {
        return request;
    }

    public boolean isResponse() {
        return !request;
    }

    /** The request method (interned for the methods of {@link SipMethod}), or null for a response. */
    public String method() {
        return method;
    }

    /** The status code of a response, or 0 for a request. */
    public int statusCode() {
        return statusCode;
    }

    public String reasonPhrase() {
        return request ? null : str(reasonStart, reasonEnd);
    }

    /** The Request-URI exactly as it appears in the request line. */
    public String requestUriString() {
        return request ? str(uriStart, uriEnd) : null;
    }

    /**
     * The Request-URI, parsed. Throws the codec's exception when it does not parse; {@link SipValidator}
     * checks that once, so a validated message never throws here.
     */
    public SipUri requestUri() throws SipParseException {
        if (requestUri == null && request) {
            requestUri = SipUri.parse(buf, uriStart, uriEnd);
        }
        return requestUri;
    }

    // ---- headers -------------------------------------------------------------------------------------

    /** Number of header lines (a folded line counts once). */
    public int headerCount() {
        return count;
    }

    public Header header(int i) {
        return HEADERS[idx[i * STRIDE + H_KIND] & 0xffff];
    }

    /** The header name as written (e.g. {@code v} or {@code MaX-fOrWaRdS}). */
    public String headerName(int i) {
        return str(idx[i * STRIDE + H_LINE_START], nameEnd(i));
    }

    /** One past the last byte of line {@code i}'s name. */
    int nameEnd(int i) {
        int p = idx[i * STRIDE + H_LINE_START];
        while (Chars.isToken(buf[p])) {
            p++;
        }
        return p;
    }

    /** One past the line terminator of line {@code i} (its last continuation line, when folded). */
    int lineEnd(int i) {
        return i + 1 < count ? idx[(i + 1) * STRIDE + H_LINE_START] : headersEnd;
    }

    /** Whether line {@code i} is folded over several lines. */
    boolean folded(int i) {
        return (idx[i * STRIDE + H_KIND] & FOLDED) != 0;
    }

    /** The whole value of header line {@code i}, with folding (CRLF followed by whitespace) read as one SP. */
    public String headerValue(int i) {
        int b = i * STRIDE;
        int vs = idx[b + H_VALUE_START];
        int ve = idx[b + H_VALUE_END];
        return (idx[b + H_KIND] & FOLDED) == 0 ? str(vs, ve) : unfold(vs, ve);
    }

    public boolean has(Header h) {
        return (present & (1L << h.ordinal())) != 0;
    }

    /** Index of the first line of header {@code h}, or -1. */
    public int indexOf(Header h) {
        return indexOf(h, 0);
    }

    /** Index of the first line of header {@code h} at or after line {@code from}, or -1. */
    public int indexOf(Header h, int from) {
        if (!has(h)) {
            return -1;
        }
        int ord = h.ordinal();
        for (int i = from; i < count; i++) {
            if ((idx[i * STRIDE + H_KIND] & 0xffff) == ord) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the first line whose name is {@code name} (any case, full or compact form), or -1. */
    public int indexOf(String name) {
        Header h = Header.of(name);
        if (h != Header.OTHER) {
            return indexOf(h);
        }
        for (int i = 0; i < count; i++) {
            if (header(i) == Header.OTHER && headerName(i).equalsIgnoreCase(name.trim())) {
                return i;
            }
        }
        return -1;
    }

    /** Number of lines of header {@code h}. */
    public int lineCount(Header h) {
        int n = 0;
        for (int i = indexOf(h); i >= 0; i = indexOf(h, i + 1)) {
            n++;
        }
        return n;
    }

    /** The first line's value of {@code h}, or null. For a list-valued header that is the whole line. */
    public String first(Header h) {
        int i = indexOf(h);
        return i < 0 ? null : headerValue(i);
    }

    /** The value of the first header named {@code name} (any header, known or not), or null. */
    public String first(String name) {
        int i = indexOf(name);
        return i < 0 ? null : headerValue(i);
    }

    /**
     * Every value of {@code h} in message order: several lines, and for a {@linkplain Header#listValued()
     * list-valued} header several comma-separated values per line (SIPp writes {@code Via: a, b}).
     */
    public List<String> values(Header h) {
        if (!has(h)) {
            return Collections.emptyList();
        }
        List<String> out = new ArrayList<>(2);
        for (int i = indexOf(h); i >= 0; i = indexOf(h, i + 1)) {
            if (h.listValued()) {
                for (String v : HeaderValues.split(headerValue(i))) {
                    out.add(v);
                }
            } else {
                out.add(headerValue(i));
            }
        }
        return out;
    }

    /** Every header line's value for {@code name}, known or unknown header. */
    public List<String> values(String name) {
        Header h = Header.of(name);
        if (h != Header.OTHER) {
            return values(h);
        }
        List<String> out = new ArrayList<>(1);
        for (int i = 0; i < count; i++) {
            if (header(i) == Header.OTHER && headerName(i).equalsIgnoreCase(name.trim())) {
                out.add(headerValue(i));
            }
        }
        return out;
    }

    // ---- the headers a proxy reads -------------------------------------------------------------------

    public String callId() {
        if (callId == null) {
            callId = first(Header.CALL_ID);
        }
        return callId;
    }

    /** The CSeq, parsed. */
    public CSeq cseq() throws SipParseException {
        if (cseq == null) {
            int i = indexOf(Header.CSEQ);
            if (i < 0) {
                return null;
            }
            cseq = folded(i) ? CSeq.parse(headerValue(i))
                : CSeq.parse(buf, idx[i * STRIDE + H_VALUE_START], idx[i * STRIDE + H_VALUE_END]);
        }
        return cseq;
    }

    /** The topmost Via value, parsed; null when there is none. */
    public Via topVia() throws SipParseException {
        if (topVia == null) {
            int i = indexOf(Header.VIA);
            if (i < 0) {
                return null;
            }
            if (!folded(i)) {
                topVia = Via.parseFirst(buf, idx[i * STRIDE + H_VALUE_START], idx[i * STRIDE + H_VALUE_END]);
            } else {
                byte[] v = headerValue(i).getBytes(StandardCharsets.UTF_8);
                topVia = Via.parseFirst(v, 0, v.length);
            }
        }
        return topVia;
    }

    /** Receives one header value as a byte range. */
    @FunctionalInterface
    interface ValueRange {
        void accept(byte[] b, int from, int to) throws SipParseException;
    }

    /**
     * Hands every value of {@code h} to {@code f} as a byte range, in message order, with no String made:
     * the validator's way over every Via and name-addr of a message on the forwarding path. A folded line
     * is unfolded first.
     */
    void forEachValue(Header h, ValueRange f) throws SipParseException {
        for (int i = indexOf(h); i >= 0; i = indexOf(h, i + 1)) {
            byte[] b = buf;
            int s = idx[i * STRIDE + H_VALUE_START];
            int e = idx[i * STRIDE + H_VALUE_END];
            if (folded(i)) {
                b = headerValue(i).getBytes(StandardCharsets.UTF_8);
                s = 0;
                e = b.length;
            }
            if (!h.listValued()) {
                f.accept(b, s, e);
                continue;
            }
            while (true) {
                int cut = HeaderValues.firstCut(b, s, e);
                int ve = cut < 0 ? e : cut;
                int vs = s;
                while (vs < ve && Chars.isWs(b[vs])) {
                    vs++;
                }
                while (ve > vs && Chars.isWs(b[ve - 1])) {
                    ve--;
                }
                f.accept(b, vs, ve);
                if (cut < 0) {
                    break;
                }
                s = cut + 1;
            }
        }
    }

    /** Every Via value, top first. */
    public List<Via> vias() throws SipParseException {
        List<String> values = values(Header.VIA);
        List<Via> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(Via.parse(v));
        }
        return out;
    }

    /** From, parsed (its URI on first use: see {@link NameAddr#uri()}). */
    public NameAddr from() throws SipParseException {
        if (from == null) {
            from = nameAddr(indexOf(Header.FROM));
        }
        return from;
    }

    public NameAddr to() throws SipParseException {
        if (to == null) {
            to = nameAddr(indexOf(Header.TO));
        }
        return to;
    }

    private NameAddr nameAddr(int i) throws SipParseException {
        if (i < 0) {
            return null;
        }
        if (folded(i)) {
            byte[] v = headerValue(i).getBytes(StandardCharsets.UTF_8);
            return NameAddr.parseLazily(v, 0, v.length);
        }
        return NameAddr.parseLazily(buf, idx[i * STRIDE + H_VALUE_START], idx[i * STRIDE + H_VALUE_END]);
    }

    /** Max-Forwards as a number, or -1 when absent. Leading zeros are fine (RFC 4475 §3.1.1.1). */
    public int maxForwards() throws SipParseException {
        int i = indexOf(Header.MAX_FORWARDS);
        if (i < 0) {
            return -1;
        }
        int b = i * STRIDE;
        long n = Numbers.parseDecimal(buf, idx[b + H_VALUE_START], idx[b + H_VALUE_END], 255);
        if (n < 0) {
            throw new SipParseException(Violation.MALFORMED_MAX_FORWARDS, "Max-Forwards: " + headerValue(i));
        }
        return (int) n;
    }

    /** The Route values, top first, as name-addrs. */
    public List<NameAddr> routes() throws SipParseException {
        return nameAddrs(Header.ROUTE);
    }

    public List<NameAddr> recordRoutes() throws SipParseException {
        return nameAddrs(Header.RECORD_ROUTE);
    }

    private List<NameAddr> nameAddrs(Header h) throws SipParseException {
        List<String> values = values(h);
        List<NameAddr> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(NameAddr.parse(v));
        }
        return out;
    }

    /** The option tags of every Proxy-Require (or Require, etc.) line. */
    public List<String> optionTags(Header h) {
        return values(h);
    }

    /** The Content-Length header's value, or -1 when the message has none. */
    public int contentLength() {
        return contentLength;
    }

    // ---- body and bytes ------------------------------------------------------------------------------

    public int bodyLength() {
        return end - bodyStart;
    }

    /** A copy of the body. */
    public byte[] body() {
        byte[] b = new byte[end - bodyStart];
        System.arraycopy(buf, bodyStart, b, 0, b.length);
        return b;
    }

    /** Length of the message in bytes, start line to end of body; trailing bytes of a datagram excluded. */
    public int length() {
        return end - start;
    }

    /** A copy of the message's bytes, start line to end of body. */
    public byte[] toBytes() {
        byte[] b = new byte[end - start];
        System.arraycopy(buf, start, b, 0, b.length);
        return b;
    }

    /** Violations a {@link ComplianceMode#LENIENT lenient} reader may accept, found while parsing. */
    public Set<Violation> toleratedViolations() {
        EnumSet<Violation> s = EnumSet.noneOf(Violation.class);
        for (Violation v : Violation.values()) {
            if (tolerates(v)) {
                s.add(v);
            }
        }
        return s;
    }

    boolean hasTolerated() {
        return tolerated != 0;
    }

    /** Whether the parse tolerated {@code v}: one bit test, for the forwarding path. */
    boolean tolerates(Violation v) {
        return (tolerated & (1L << v.ordinal())) != 0;
    }

    /** Starts an edit of this message; see {@link MessageEditor}. */
    public MessageEditor edit() {
        return new MessageEditor(this);
    }

    @Override
    public String toString() {
        return new String(buf, start, end - start, StandardCharsets.UTF_8);
    }

    // ---- internals -----------------------------------------------------------------------------------

    String str(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.UTF_8);
    }

    /** The value with every CRLF (or LF) followed by whitespace turned into one SP (RFC 3261 §7.3.1). */
    private String unfold(int vs, int ve) {
        StringBuilder sb = new StringBuilder(ve - vs);
        int i = vs;
        int runStart = vs;
        while (i < ve) {
            byte c = buf[i];
            if (c == '\r' || c == '\n') {
                int j = i;
                while (j > runStart && Chars.isWs(buf[j - 1])) {
                    j--;
                }
                sb.append(new String(buf, runStart, j - runStart, StandardCharsets.UTF_8));
                while (i < ve && (buf[i] == '\r' || buf[i] == '\n' || Chars.isWs(buf[i]))) {
                    i++;
                }
                sb.append(' ');
                runStart = i;
            } else {
                i++;
            }
        }
        sb.append(new String(buf, runStart, ve - runStart, StandardCharsets.UTF_8));
        return sb.toString();
    }
}
