package io.sipdispatch.sip;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads a SIP message in one pass: the start line is split, every header line indexed (name, value and
 * line offsets, its {@link Header}), folding and every legal whitespace accepted (RFC 3261 §7.3.1, §25.1),
 * the body delimited by Content-Length. Values are left for {@link SipMessage} to parse on demand.
 *
 * <p>Two framings:
 * <ul>
 * <li>{@link #parseDatagram}: one UDP datagram. The body is exactly Content-Length bytes and any bytes after
 *     it are ignored (RFC 4475 §3.1.1.8); without Content-Length the body is the rest of the datagram
 *     (RFC 3261 §18.3).</li>
 * <li>{@link #parseFrame}: one message cut from a stream by {@link StreamFramer}; Content-Length is
 *     mandatory.</li>
 * </ul>
 * Bad input raises {@link SipParseException} naming the {@link Violation}; nothing else escapes.
 *
 * <p>A parser keeps scratch state while it reads: use one per thread (one per event loop).
 */
public final class SipParser {
    private static final int INITIAL_HEADERS = 32;

    private final SipLimits limits;
    /** The header index being built; grows with the largest message seen. */
    private int[] scratch = new int[INITIAL_HEADERS * SipMessage.STRIDE];

    public SipParser(SipLimits limits) {
        this.limits = limits;
    }

    public SipParser() {
        this(SipLimits.DEFAULT);
    }

    public SipLimits limits() {
        return limits;
    }

    /** Parses one datagram's worth of bytes. */
    public SipMessage parseDatagram(byte[] buf, int off, int len) throws SipParseException {
        return parse(buf, off, len, false);
    }

    public SipMessage parseDatagram(byte[] buf) throws SipParseException {
        return parse(buf, 0, buf.length, false);
    }

    /** Parses exactly one message framed from a stream transport. */
    public SipMessage parseFrame(byte[] buf, int off, int len) throws SipParseException {
        return parse(buf, off, len, true);
    }

    private SipMessage parse(byte[] b, int off, int len, boolean stream) throws SipParseException {
        // An oversize message is still indexed (every per-line limit still holds), so that it can be
        // answered 513 (RFC 3261 §18.1.1, §21.5.14).
        final boolean tooLarge = len > limits.maxMessageSize();
        final int end = off + len;
        int p = off;
        // RFC 3261 §7.5: CRLFs before the start line are ignored.
        while (p < end && (b[p] == '\r' || b[p] == '\n')) {
            p++;
        }
        final int msgStart = p;
        int lf = indexOfLf(b, p, end);
        if (lf < 0) {
            throw new SipParseException(Violation.MALFORMED_START_LINE, "no line terminator");
        }
        int lineEnd = lf > p && b[lf - 1] == '\r' ? lf - 1 : lf;
        long tolerated = 0;
        Violation fatal = tooLarge ? Violation.MESSAGE_TOO_LARGE : null;
        String fatalDetail = tooLarge ? len + " bytes, limit " + limits.maxMessageSize() : null;

        // ---- start line
        boolean request;
        String method = null;
        int uriStart = 0;
        int uriEnd = 0;
        int status = 0;
        int reasonStart = 0;
        int reasonEnd = 0;
        if (startsWithSipVersion(b, p, lineEnd)) {
            request = false;
            int sp = p + 7;
            if (!isSip20(b, p)) {
                throw new SipParseException(Violation.MALFORMED_RESPONSE, "response version is not SIP/2.0");
            }
            if (sp >= lineEnd || b[sp] != ' ' || sp + 4 > lineEnd) {
                throw new SipParseException(Violation.BAD_STATUS_CODE, "no status code");
            }
            int c0 = b[sp + 1];
            int c1 = b[sp + 2];
            int c2 = b[sp + 3];
            boolean threeDigits = Chars.isDigit(c0) && Chars.isDigit(c1) && Chars.isDigit(c2)
                && (sp + 4 == lineEnd || b[sp + 4] == ' ');
            status = threeDigits ? (c0 - '0') * 100 + (c1 - '0') * 10 + (c2 - '0') : 0;
            if (status < 100 || status > 699) {
                throw new SipParseException(Violation.BAD_STATUS_CODE, "status code out of 100-699");
            }
            reasonStart = Math.min(sp + 5, lineEnd);
            reasonEnd = lineEnd;
        } else {
            request = true;
            // A bad request line is still answerable (400/505) once the headers are indexed, so its
            // violations are held in `fatal` and raised after the header loop.
            long rl = parseRequestLine(b, p, lineEnd);
            if (rl < 0) {
                if (fatal == null) {
                    fatal = REQUEST_LINE_VIOLATIONS[(int) -rl - 1];
                    fatalDetail = fatal.reason();
                }
            } else {
                int mEnd = (int) (rl >>> 32);
                method = SipMethod.of(b, p, mEnd);
                uriStart = this.uriStart;
                uriEnd = this.uriEnd;
                tolerated |= this.lineTolerated;
                if (this.badVersion && fatal == null) {
                    fatal = Violation.UNSUPPORTED_VERSION;
                    fatalDetail = "SIP version is not 2.0";
                }
            }
        }
        final int startLineEnd = lf + 1;

        // ---- header lines
        // Index into the parser's scratch array; the message gets an exact-size copy.
        int[] idx = scratch;
        int count = 0;
        long present = 0;
        int contentLength = -1;
        int viaLines = 0;
        int skipped = 0;
        p = startLineEnd;
        int headersEnd;
        int bodyStart;
        while (true) {
            if (p >= end) {
                // Data ended without the empty line that closes the header section.
                tolerated |= bit(Violation.TRUNCATED_HEADERS);
                headersEnd = end;
                bodyStart = end;
                break;
            }
            byte c = b[p];
            if (c == '\r' && p + 1 < end && b[p + 1] == '\n') {
                headersEnd = p;
                bodyStart = p + 2;
                break;
            }
            if (c == '\n') {
                headersEnd = p;
                bodyStart = p + 1;
                break;
            }
            final int lineStart = p;
            // Name: a token, then optional whitespace, then ':'. The colon is found eight bytes at a time;
            // a known name is then compared whole (so it is a token), any other name is checked byte by byte.
            // The search stops at the line length limit, so a run of colon-less lines costs no more than
            // maxHeaders * maxHeaderLine bytes of searching.
            int q = indexOf(b, p, Math.min(end, p + limits.maxHeaderLine()), (byte) ':');
            int nameEnd = q;
            while (nameEnd > lineStart && Chars.isWs(b[nameEnd - 1])) {
                nameEnd--;
            }
            Header h = q < 0 || nameEnd == lineStart ? null : Header.of(b, lineStart, nameEnd);
            if (h == Header.OTHER && !isToken(b, lineStart, nameEnd)) {
                h = null;
            }
            if (h == null) {
                if (++skipped + count > limits.maxHeaders()) {
                    throw new SipParseException(Violation.TOO_MANY_HEADERS, "limit " + limits.maxHeaders());
                }
                // Skip the line (and its continuations) so the rest can still be indexed for an answer.
                int skip = lineEndWithContinuations(b, lineStart, end);
                if (fatal == null) {
                    fatal = Violation.MALFORMED_HEADER_LINE;
                    fatalDetail = "line " + (count + 2) + " has no header name and colon";
                }
                p = skip;
                continue;
            }
            q++; // ':'
            // Value: skip whitespace, including a fold straight after the colon ("TO :\r\n sip:...").
            int kindFlags = 0;
            int vs = q;
            int lineTerm;
            while (true) {
                while (vs < end && Chars.isWs(b[vs])) {
                    vs++;
                }
                int fold = foldAt(b, vs, end);
                if (fold < 0) {
                    break;
                }
                kindFlags = SipMessage.FOLDED;
                vs = fold;
            }
            // Find the end of the logical line: a line terminator not followed by SP/HT.
            int ve;
            int r = vs;
            while (true) {
                int nl = indexOfLf(b, r, end);
                if (nl < 0) {
                    // Last line without terminator.
                    ve = end;
                    lineTerm = end;
                    break;
                }
                if (nl + 1 < end && Chars.isWs(b[nl + 1])) {
                    kindFlags = SipMessage.FOLDED;
                    r = nl + 1;
                    continue;
                }
                ve = nl > vs && b[nl - 1] == '\r' ? nl - 1 : nl;
                lineTerm = nl + 1;
                break;
            }
            while (ve > vs && (Chars.isWs(b[ve - 1]) || b[ve - 1] == '\r' || b[ve - 1] == '\n')) {
                ve--;
            }
            if (lineTerm - lineStart > limits.maxHeaderLine()) {
                throw new SipParseException(Violation.HEADER_LINE_TOO_LONG,
                    (lineTerm - lineStart) + " bytes, limit " + limits.maxHeaderLine());
            }
            if (count == limits.maxHeaders()) {
                throw new SipParseException(Violation.TOO_MANY_HEADERS, "limit " + limits.maxHeaders());
            }
            if (h == Header.CONTENT_LENGTH) {
                long n = Numbers.parseDecimal(b, vs, ve, Integer.MAX_VALUE);
                if (n < 0) {
                    if (fatal == null) {
                        fatal = Violation.BAD_CONTENT_LENGTH;
                        fatalDetail = "Content-Length: " + new String(b, vs, ve - vs, java.nio.charset.StandardCharsets.UTF_8);
                    }
                } else if (contentLength >= 0 && contentLength != n) {
                    if (fatal == null) {
                        fatal = Violation.CONFLICTING_CONTENT_LENGTH;
                        fatalDetail = "Content-Length " + contentLength + " and " + n;
                    }
                } else {
                    contentLength = (int) n;
                }
            } else if (h == Header.VIA) {
                viaLines++;
            }
            if ((count + 1) * SipMessage.STRIDE > idx.length) {
                idx = java.util.Arrays.copyOf(idx, idx.length * 2);
            }
            int base = count * SipMessage.STRIDE;
            idx[base + SipMessage.H_LINE_START] = lineStart;
            idx[base + SipMessage.H_VALUE_START] = vs;
            idx[base + SipMessage.H_VALUE_END] = ve;
            idx[base + SipMessage.H_KIND] = h.ordinal() | kindFlags;
            present |= 1L << h.ordinal();
            count++;
            p = lineTerm;
        }
        if (viaLines > limits.maxVias()) {
            throw new SipParseException(Violation.TOO_MANY_VIAS, viaLines + " Via lines, limit " + limits.maxVias());
        }

        // ---- body
        int msgEnd;
        if (contentLength >= 0 && fatal != Violation.BAD_CONTENT_LENGTH && fatal != Violation.CONFLICTING_CONTENT_LENGTH) {
            if ((long) bodyStart + contentLength > end) {
                msgEnd = end;
                if (fatal == null) {
                    fatal = Violation.BODY_SHORTER_THAN_CONTENT_LENGTH;
                    fatalDetail = "Content-Length " + contentLength + ", body " + (end - bodyStart) + " bytes";
                }
            } else {
                msgEnd = bodyStart + contentLength;
            }
        } else {
            msgEnd = end;
            if (stream && contentLength < 0 && fatal == null) {
                fatal = Violation.MISSING_CONTENT_LENGTH_ON_STREAM;
                fatalDetail = "no Content-Length";
            }
        }
        scratch = idx;
        SipMessage m = new SipMessage(b, msgStart, msgEnd, request, method, uriStart, uriEnd, status,
            reasonStart, reasonEnd, startLineEnd, headersEnd, bodyStart,
            java.util.Arrays.copyOf(idx, count * SipMessage.STRIDE), count, contentLength, present, tolerated);
        if (fatal != null) {
            throw new SipParseException(request ? fatal : Violation.MALFORMED_RESPONSE, fatalDetail, m);
        }
        return m;
    }

    private static final Violation[] REQUEST_LINE_VIOLATIONS = {
        Violation.MALFORMED_START_LINE, Violation.MALFORMED_REQUEST_URI
    };

    // Results of parseRequestLine, besides its return value. A parser is used by one thread at a time.
    private int uriStart;
    private int uriEnd;
    private long lineTolerated;
    private boolean badVersion;

    /**
     * Splits {@code Method SP Request-URI SP SIP-Version} (RFC 3261 §7.1). Returns the method's end in the
     * upper 32 bits, or -(index into REQUEST_LINE_VIOLATIONS + 1).
     */
    private long parseRequestLine(byte[] b, int p, int lineEnd) {
        lineTolerated = 0;
        badVersion = false;
        int mEnd = scanTo(b, p, lineEnd, (byte) ' ');
        if (mEnd == p || mEnd == lineEnd) {
            return -1;
        }
        for (int i = p; i < mEnd; i++) {
            if (!Chars.isToken(b[i])) {
                return -1;
            }
        }
        int q = mEnd + 1;
        if (q < lineEnd && b[q] == ' ') {
            lineTolerated |= bit(Violation.EXTRA_WHITESPACE_IN_START_LINE);
            while (q < lineEnd && b[q] == ' ') {
                q++;
            }
        }
        int us = q;
        int ue = scanTo(b, q, lineEnd, (byte) ' ');
        int vStart = ue;
        while (vStart < lineEnd && b[vStart] == ' ') {
            vStart++;
        }
        if (vStart - ue > 1) {
            lineTolerated |= bit(Violation.EXTRA_WHITESPACE_IN_START_LINE);
        }
        int vEnd = lineEnd;
        while (vEnd > vStart && b[vEnd - 1] == ' ') {
            vEnd--;
        }
        if (vEnd < lineEnd) {
            lineTolerated |= bit(Violation.EXTRA_WHITESPACE_IN_START_LINE);
        }
        if (ue == us || vStart >= vEnd) {
            return -1;
        }
        if (scanTo(b, vStart, vEnd, (byte) ' ') != vEnd) {
            // More than three elements: whitespace inside the Request-URI (RFC 4475 §3.1.2.8).
            return endsWithSipVersion(b, vStart, vEnd) ? -2 : -1;
        }
        if (!startsWithSipVersion(b, vStart, vEnd) || !isVersionToken(b, vStart, vEnd)) {
            return -1;
        }
        badVersion = vEnd - vStart != 7 || !isSip20(b, vStart);
        uriStart = us;
        uriEnd = ue;
        return (long) mEnd << 32;
    }

    private static boolean isToken(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Chars.isToken(b[i])) {
                return false;
            }
        }
        return true;
    }

    private static long bit(Violation v) {
        return 1L << v.ordinal();
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES8 = 0x0101010101010101L;
    private static final long HIGH8 = 0x8080808080808080L;

    /**
     * The first LF in {@code b[from, end)}, or -1. Eight bytes at a time: the bytes equal to LF become zero
     * after XOR, and {@code (x - 0x01..) & ~x & 0x80..} marks a zero byte; the lowest mark is always a true
     * one. Header values are most of a message's bytes, and this is where the parser meets each of them.
     */
    static int indexOfLf(byte[] b, int from, int end) {
        return indexOf(b, from, end, (byte) '\n');
    }

    /** The first {@code c} in {@code b[from, end)}, or -1; eight bytes at a time as {@link #indexOfLf}. */
    static int indexOf(byte[] b, int from, int end, byte c) {
        long pattern = (c & 0xffL) * ONES8;
        int i = from;
        for (; i + 8 <= end; i += 8) {
            long x = (long) LONGS.get(b, i) ^ pattern;
            long marks = (x - ONES8) & ~x & HIGH8;
            if (marks != 0) {
                return i + (Long.numberOfTrailingZeros(marks) >>> 3);
            }
        }
        for (; i < end; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int scanTo(byte[] b, int from, int end, byte c) {
        int i = from;
        while (i < end && b[i] != c) {
            i++;
        }
        return i;
    }

    /** If a line terminator followed by SP/HT starts at {@code i}, the index after it; else -1. */
    private static int foldAt(byte[] b, int i, int end) {
        int j = i;
        if (j < end && b[j] == '\r') {
            j++;
        }
        if (j < end && b[j] == '\n' && j + 1 < end && Chars.isWs(b[j + 1])) {
            return j + 1;
        }
        return -1;
    }

    private static int lineEndWithContinuations(byte[] b, int from, int end) {
        int r = from;
        while (true) {
            int nl = indexOfLf(b, r, end);
            if (nl < 0) {
                return end;
            }
            if (nl + 1 < end && Chars.isWs(b[nl + 1])) {
                r = nl + 1;
                continue;
            }
            return nl + 1;
        }
    }

    private static boolean startsWithSipVersion(byte[] b, int p, int end) {
        return end - p >= 4 && (b[p] | 0x20) == 's' && (b[p + 1] | 0x20) == 'i' && (b[p + 2] | 0x20) == 'p'
            && b[p + 3] == '/';
    }

    private static boolean endsWithSipVersion(byte[] b, int from, int end) {
        int i = end;
        while (i > from && b[i - 1] != ' ') {
            i--;
        }
        return startsWithSipVersion(b, i, end) && isVersionToken(b, i, end);
    }

    /** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT. */
    private static boolean isVersionToken(byte[] b, int p, int end) {
        int i = p + 4;
        int d1 = i;
        while (i < end && Chars.isDigit(b[i])) {
            i++;
        }
        if (i == d1 || i >= end || b[i] != '.') {
            return false;
        }
        int d2 = ++i;
        while (i < end && Chars.isDigit(b[i])) {
            i++;
        }
        return i > d2 && i == end;
    }

    private static boolean isSip20(byte[] b, int p) {
        return p + 7 <= b.length && startsWithSipVersion(b, p, p + 7) && b[p + 4] == '2' && b[p + 5] == '.'
            && b[p + 6] == '0';
    }
}
