package io.sipdispatch.sip;

import static io.sipdispatch.sip.SipMessage.H_LINE_START;
import static io.sipdispatch.sip.SipMessage.H_VALUE_END;
import static io.sipdispatch.sip.SipMessage.H_VALUE_START;
import static io.sipdispatch.sip.SipMessage.STRIDE;

import java.nio.charset.StandardCharsets;

/**
 * The changes a proxy makes to a message it forwards, written as a list of byte-range edits over the
 * original buffer and applied in one copy by {@link #toBytes()}. Every byte no edit touches, including
 * every header the proxy does not understand and the body, comes out identical (RFC 3261 §16.6: a proxy
 * must not reorder or change what it does not own).
 *
 * <p>Edits refer to the original message: popping the top Via and then asking for the top Via again still
 * names the original one. A proxy makes each change once, so that is all it needs.
 */
public final class MessageEditor {
    private static final byte[] CRLF = {'\r', '\n'};

    private final SipMessage m;
    private int[] starts = new int[8];
    private int[] ends = new int[8];
    private byte[][] texts = new byte[8][];
    private int[] seq = new int[8];
    private int n;
    private boolean lastLineTerminated;
    private String newRequestUri;

    MessageEditor(SipMessage m) {
        this.m = m;
    }

    // ---- Via (RFC 3261 §16.6 step 8, §16.7 step 3, RFC 3581) ------------------------------------------

    /** Adds {@code Via: value} above the topmost Via. */
    public MessageEditor pushVia(String value) {
        int i = m.indexOf(Header.VIA);
        int at = i < 0 ? m.startLineEnd : lineStart(i);
        return insert(at, headerLine("Via", value));
    }

    /** Removes the topmost Via value: its whole line, or just the value when the line holds several. */
    public MessageEditor popVia() {
        return popFirstValue(Header.VIA);
    }

    /**
     * Records where the request came from in the topmost Via (RFC 3261 §18.2.1, RFC 3581 §4): adds
     * {@code received} and fills in an empty {@code rport}. Pass {@code received = null} to leave it out
     * (the sent-by already names the source) and {@code rport < 0} to leave rport alone.
     */
    public MessageEditor setTopViaReceived(String received, int rport) {
        int i = m.indexOf(Header.VIA);
        if (i < 0) {
            return this;
        }
        int vs = m.idx[i * STRIDE + H_VALUE_START];
        int lineValueEnd = m.idx[i * STRIDE + H_VALUE_END];
        int cut = HeaderValues.firstCut(m.buf, vs, lineValueEnd);
        int ve = cut < 0 ? lineValueEnd : cut;
        while (ve > vs && isLws(m.buf[ve - 1])) {
            ve--;
        }
        if (rport >= 0) {
            int[] r = findParam(m.buf, vs, ve, "rport");
            if (r != null) {
                replace(r[0], r[1], ascii(";rport=" + rport));
            } else {
                insert(ve, ascii(";rport=" + rport));
            }
        }
        if (received != null) {
            int[] r = findParam(m.buf, vs, ve, "received");
            if (r != null) {
                replace(r[0], r[1], ascii(";received=" + received));
            } else {
                insert(ve, ascii(";received=" + received));
            }
        }
        return this;
    }

    // ---- Route and Record-Route (RFC 3261 §16.4, §16.6 step 4) -----------------------------------------

    /** Adds {@code Record-Route: <uri>} above any existing Record-Route (RFC 3261 §16.6 step 4). */
    public MessageEditor pushRecordRoute(String uri) {
        int i = m.indexOf(Header.RECORD_ROUTE);
        // Without a Record-Route yet, the end of the header section: never between two Via lines.
        return i >= 0 ? insert(lineStart(i), headerLine("Record-Route", "<" + uri + ">"))
            : appendLine(headerLine("Record-Route", "<" + uri + ">"));
    }

    /** Removes the topmost Route value (RFC 3261 §16.4: the proxy's own entry). */
    public MessageEditor popRoute() {
        return popFirstValue(Header.ROUTE);
    }

    /** Adds {@code Route: <uri>} above any existing Route. */
    public MessageEditor pushRoute(String uri) {
        int i = m.indexOf(Header.ROUTE);
        return i >= 0 ? insert(lineStart(i), headerLine("Route", "<" + uri + ">"))
            : appendLine(headerLine("Route", "<" + uri + ">"));
    }

    // ---- Max-Forwards (RFC 3261 §16.6 step 3) ----------------------------------------------------------

    /** Sets Max-Forwards to {@code value}, adding the header when the request has none. */
    public MessageEditor setMaxForwards(int value) {
        int i = m.indexOf(Header.MAX_FORWARDS);
        if (i < 0) {
            return appendLine(headerLine("Max-Forwards", Integer.toString(value)));
        }
        return replace(m.idx[i * STRIDE + H_VALUE_START], m.idx[i * STRIDE + H_VALUE_END], ascii(Integer.toString(value)));
    }

    /**
     * Decrements Max-Forwards, or adds {@code Max-Forwards: 70} when there is none (RFC 3261 §16.6 step 3).
     * The caller has already answered 483 to a request with 0.
     */
    public MessageEditor decrementMaxForwards() throws SipParseException {
        int mf = m.maxForwards();
        return setMaxForwards(mf < 0 ? 70 : Math.max(0, mf - 1));
    }

    // ---- Request-URI ----------------------------------------------------------------------------------

    public MessageEditor setRequestUri(String uri) {
        requireRequest();
        newRequestUri = uri;
        return this;
    }

    /**
     * Replaces the host and port of a SIP Request-URI and keeps user, parameters and headers, as Kamailio's
     * {@code ds_select_domain} does. {@code port < 0} removes an explicit port.
     */
    public MessageEditor setRequestUriHostPort(String host, int port) throws SipParseException {
        requireRequest();
        SipUri u = m.requestUri();
        if (!u.isSip()) {
            throw new SipParseException(Violation.UNSUPPORTED_URI_SCHEME, "not a SIP URI: " + u);
        }
        String uri = u.toString();
        int hs = u.scheme().length() + 1;
        if (u.user() != null) {
            hs = uri.indexOf('@') + 1;
        }
        int he = hs;
        if (uri.charAt(he) == '[') {
            he = uri.indexOf(']', he) + 1;
        }
        while (he < uri.length() && uri.charAt(he) != ';' && uri.charAt(he) != '?') {
            he++;
        }
        newRequestUri = uri.substring(0, hs) + (port >= 0 ? host + ":" + port : host) + uri.substring(he);
        return this;
    }

    // ---- any header -----------------------------------------------------------------------------------

    /** Appends {@code name: value} at the end of the header section. */
    public MessageEditor addHeader(String name, String value) {
        return appendLine(headerLine(name, value));
    }

    /** Adds {@code name: value} as the first header line. */
    public MessageEditor addHeaderFirst(String name, String value) {
        return insert(m.startLineEnd, headerLine(name, value));
    }

    /** Removes every line of {@code h}. */
    public MessageEditor removeHeader(Header h) {
        for (int i = m.indexOf(h); i >= 0; i = m.indexOf(h, i + 1)) {
            replace(lineStart(i), lineEnd(i), new byte[0]);
        }
        return this;
    }

    /** Removes every line of the header named {@code name}, known or unknown. */
    public MessageEditor removeHeader(String name) {
        Header h = Header.of(name);
        if (h != Header.OTHER) {
            return removeHeader(h);
        }
        for (int i = 0; i < m.headerCount(); i++) {
            if (m.header(i) == Header.OTHER && m.headerName(i).equalsIgnoreCase(name.trim())) {
                replace(lineStart(i), lineEnd(i), new byte[0]);
            }
        }
        return this;
    }

    /** Replaces the value of header line {@code i}, keeping its name as written. */
    public MessageEditor setHeaderValue(int i, String value) {
        return replace(m.idx[i * STRIDE + H_VALUE_START], m.idx[i * STRIDE + H_VALUE_END], utf8(value));
    }

    // ---- output ---------------------------------------------------------------------------------------

    /** The edited message: start line to end of body, trailing datagram bytes left out. */
    public byte[] toBytes() {
        int mark = n;
        repairAndSetRequestUri();
        sort();
        int len = m.end - m.start;
        for (int k = 0; k < n; k++) {
            len += texts[k].length - (ends[k] - starts[k]);
        }
        byte[] out = new byte[len];
        int o = 0;
        int src = m.start;
        for (int k = 0; k < n; k++) {
            int c = starts[k] - src;
            System.arraycopy(m.buf, src, out, o, c);
            o += c;
            System.arraycopy(texts[k], 0, out, o, texts[k].length);
            o += texts[k].length;
            src = ends[k];
        }
        System.arraycopy(m.buf, src, out, o, m.end - src);
        dropEditsFrom(mark);
        return out;
    }

    /**
     * Adds the edits that are decided only at output: the new Request-URI, and the repairs of what a
     * lenient parse tolerated, which must not be forwarded (RFC 4475 §3.1.2.9, §3.1.2.10): a request line
     * with extra whitespace is written anew as {@code Method SP Request-URI SP SIP/2.0}, and a header
     * section that was not closed gets its empty line.
     */
    private void repairAndSetRequestUri() {
        if (m.isRequest()) {
            String uri = newRequestUri;
            if (m.tolerates(Violation.EXTRA_WHITESPACE_IN_START_LINE)) {
                String line = m.method() + " " + (uri != null ? uri : m.requestUriString()) + " SIP/2.0\r\n";
                replace(m.start, m.startLineEnd, utf8(line));
            } else if (uri != null) {
                replace(m.uriStart, m.uriEnd, utf8(uri));
            }
        }
        if (m.tolerates(Violation.TRUNCATED_HEADERS)) {
            boolean terminated = lastLineTerminated || m.buf[m.end - 1] == '\n';
            insert(m.end, terminated ? CRLF : new byte[] {'\r', '\n', '\r', '\n'});
        }
    }

    /** Forgets the output-time edits, so that the editor can go on and be written again. */
    private void dropEditsFrom(int mark) {
        for (int k = 0; k < n; k++) {
            if (seq[k] >= mark) {
                // compacted below
                texts[k] = null;
            }
        }
        int w = 0;
        for (int k = 0; k < n; k++) {
            if (texts[k] != null) {
                starts[w] = starts[k];
                ends[w] = ends[k];
                texts[w] = texts[k];
                seq[w] = seq[k];
                w++;
            }
        }
        n = w;
    }

    // ---- internals ------------------------------------------------------------------------------------

    private MessageEditor popFirstValue(Header h) {
        int i = m.indexOf(h);
        if (i < 0) {
            return this;
        }
        int vs = m.idx[i * STRIDE + H_VALUE_START];
        int ve = m.idx[i * STRIDE + H_VALUE_END];
        int cut = HeaderValues.firstCut(m.buf, vs, ve);
        if (cut < 0) {
            return replace(lineStart(i), lineEnd(i), new byte[0]);
        }
        int next = cut + 1;
        while (next < ve && isLws(m.buf[next])) {
            next++;
        }
        return replace(vs, next, new byte[0]);
    }

    private int lineStart(int i) {
        return m.idx[i * STRIDE + H_LINE_START];
    }

    private int lineEnd(int i) {
        return m.lineEnd(i);
    }

    private void requireRequest() {
        if (!m.isRequest()) {
            throw new IllegalStateException("a response has no Request-URI");
        }
    }

    /**
     * Inserts a header line at the end of the header section. When the last header line has no line
     * terminator (a datagram cut short, tolerated in LENIENT mode), the first such line gets a CRLF in front
     * so that it does not run on from that line's value.
     */
    private MessageEditor appendLine(byte[] line) {
        int at = m.headersEnd;
        if (!lastLineTerminated && at > m.startLineEnd && m.buf[at - 1] != '\n') {
            byte[] t = new byte[CRLF.length + line.length];
            System.arraycopy(CRLF, 0, t, 0, CRLF.length);
            System.arraycopy(line, 0, t, CRLF.length, line.length);
            line = t;
            lastLineTerminated = true;
        }
        return insert(at, line);
    }

    private MessageEditor insert(int at, byte[] text) {
        return replace(at, at, text);
    }

    private MessageEditor replace(int from, int to, byte[] text) {
        for (int k = 0; k < n; k++) {
            if (from < ends[k] && starts[k] < to) {
                throw new IllegalStateException("overlapping edits of the same bytes");
            }
        }
        if (n == starts.length) {
            starts = java.util.Arrays.copyOf(starts, n * 2);
            ends = java.util.Arrays.copyOf(ends, n * 2);
            texts = java.util.Arrays.copyOf(texts, n * 2);
            seq = java.util.Arrays.copyOf(seq, n * 2);
        }
        starts[n] = from;
        ends[n] = to;
        texts[n] = text;
        seq[n] = n;
        n++;
        return this;
    }

    /** Stable insertion sort by position; inserts at a position go before a replacement starting there. */
    private void sort() {
        for (int k = 1; k < n; k++) {
            int s = starts[k];
            int e = ends[k];
            byte[] t = texts[k];
            int q = seq[k];
            int j = k - 1;
            while (j >= 0 && (starts[j] > s || (starts[j] == s && ends[j] > e))) {
                starts[j + 1] = starts[j];
                ends[j + 1] = ends[j];
                texts[j + 1] = texts[j];
                seq[j + 1] = seq[j];
                j--;
            }
            starts[j + 1] = s;
            ends[j + 1] = e;
            texts[j + 1] = t;
            seq[j + 1] = q;
        }
    }

    /** The range {@code [';', end)} of parameter {@code name} in a Via or URI value, or null. */
    static int[] findParam(byte[] b, int from, int to, String name) {
        int i = from;
        boolean quoted = false;
        while (i < to) {
            byte c = b[i];
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                int semi = i;
                int j = i + 1;
                while (j < to && isLws(b[j])) {
                    j++;
                }
                int ns = j;
                while (j < to && Chars.isToken(b[j])) {
                    j++;
                }
                if (j - ns == name.length() && regionMatchesIgnoreCase(b, ns, name)) {
                    int k = j;
                    while (k < to && isLws(b[k])) {
                        k++;
                    }
                    if (k < to && b[k] == '=') {
                        k++;
                        while (k < to && isLws(b[k])) {
                            k++;
                        }
                        while (k < to && b[k] != ';' && b[k] != ',' && !isLws(b[k])) {
                            k++;
                        }
                        return new int[] {semi, k};
                    }
                    return new int[] {semi, j};
                }
                i = j;
                continue;
            }
            i++;
        }
        return null;
    }

    private static boolean regionMatchesIgnoreCase(byte[] b, int at, String s) {
        for (int k = 0; k < s.length(); k++) {
            if ((b[at + k] | 0x20) != (s.charAt(k) | 0x20)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLws(byte c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static byte[] headerLine(String name, String value) {
        byte[] n = ascii(name);
        byte[] v = utf8(value);
        byte[] out = new byte[n.length + 2 + v.length + 2];
        System.arraycopy(n, 0, out, 0, n.length);
        out[n.length] = ':';
        out[n.length + 1] = ' ';
        System.arraycopy(v, 0, out, n.length + 2, v.length);
        out[out.length - 2] = CRLF[0];
        out[out.length - 1] = CRLF[1];
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
