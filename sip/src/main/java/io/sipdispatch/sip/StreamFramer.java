package io.sipdispatch.sip;

import java.util.Arrays;

/**
 * Cuts SIP messages out of a byte stream (TCP, TLS) by Content-Length (RFC 3261 §18.3), with no I/O of its
 * own: a transport feeds it what it read and gets back whole messages and keepalives.
 *
 * <ul>
 * <li>CRLF keepalives (RFC 5626 §3.5.1): a double CRLF between messages is a ping, which the transport
 *     answers with a single CRLF (the pong); a single CRLF is a pong or padding, and is skipped.</li>
 * <li>Content-Length is mandatory on a stream; a missing, negative, non-numeric or conflicting one makes
 *     the stream unframeable (RFC 4475 §3.1.2.3, §3.3.9): the framer throws and the transport closes the
 *     connection.</li>
 * <li>Input that would make a message larger than {@link SipLimits#maxMessageSize()} is refused before it is
 *     buffered.</li>
 * </ul>
 * After it has thrown, a framer is spent. Not thread-safe: one per connection.
 */
public final class StreamFramer {

    /** Receives what the framer cut from the stream. */
    public interface Sink {
        /** One whole message: {@code buf[off, off + len)}, valid only during the call. */
        void message(byte[] buf, int off, int len);

        /** A CRLF keepalive: {@code ping} for a double CRLF (answer with CRLF), else a pong. */
        void keepalive(boolean ping);
    }

    private final int maxMessageSize;
    private byte[] buf;
    private int len;
    private boolean failed;

    public StreamFramer(SipLimits limits) {
        this.maxMessageSize = limits.maxMessageSize();
        this.buf = new byte[Math.min(4096, maxMessageSize)];
    }

    /** Bytes held while waiting for the rest of a message. */
    public int buffered() {
        return len;
    }

    /** Feeds {@code data[off, off + n)} and delivers every message it completes. */
    public void feed(byte[] data, int off, int n, Sink sink) throws SipParseException {
        if (failed) {
            throw new IllegalStateException("stream framing already failed");
        }
        try {
            append(data, off, n);
            drain(sink);
        } catch (SipParseException e) {
            failed = true;
            len = 0;
            throw e;
        }
    }

    /**
     * Buffers the new bytes. The buffer holds at most one unfinished message plus one read's worth of
     * bytes: {@link #drain} refuses a message over the limit as soon as its header section shows it.
     */
    private void append(byte[] data, int off, int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(len + n, Math.min(buf.length * 2, maxMessageSize + 4)));
        }
        System.arraycopy(data, off, buf, len, n);
        len += n;
    }

    /** Whether the bytes from {@code p} to the end are a proper beginning of a ping: CR, CRLF or CRLF CR. */
    private boolean pingBegun(int p) {
        int n = len - p;
        return n < 4 && startsWith(p, "\r\n\r".substring(0, n));
    }

    private void drain(Sink sink) throws SipParseException {
        int p = 0;
        while (p < len) {
            // Keepalives between messages.
            if (buf[p] == '\r' || buf[p] == '\n') {
                if (startsWith(p, "\r\n\r\n")) {
                    sink.keepalive(true);
                    p += 4;
                } else if (pingBegun(p)) {
                    break; // what has arrived may be the first bytes of a ping split across reads: wait for it
                } else if (startsWith(p, "\r\n")) {
                    sink.keepalive(false);
                    p += 2;
                } else {
                    p++; // stray LF
                }
                continue;
            }
            int he = headerEnd(buf, p, len);
            if (he < 0) {
                if (len - p > maxMessageSize) {
                    throw new SipParseException(Violation.MESSAGE_TOO_LARGE, "header section over " + maxMessageSize + " bytes");
                }
                break;
            }
            long total = (long) (he - p) + contentLength(buf, p, he);
            if (total > maxMessageSize) {
                throw new SipParseException(Violation.MESSAGE_TOO_LARGE, total + " bytes, limit " + maxMessageSize);
            }
            if (p + total > len) {
                break;
            }
            sink.message(buf, p, (int) total);
            p += (int) total;
        }
        if (p > 0) {
            System.arraycopy(buf, p, buf, 0, len - p);
            len -= p;
        }
    }

    private boolean startsWith(int p, String s) {
        if (p + s.length() > len) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (buf[p + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** One past the empty line that ends the header section starting at {@code from}, or -1. */
    static int headerEnd(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                if (i + 1 < to && b[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < to && b[i + 1] == '\r' && b[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    /** The Content-Length of the header section {@code b[from, to)}; throws when absent or bad. */
    static int contentLength(byte[] b, int from, int to) throws SipParseException {
        int found = -1;
        int i = from;
        while (i < to) {
            int nl = SipParser.indexOfLf(b, i, to);
            int lineEnd = nl < 0 ? to : nl;
            int j = i;
            while (j < lineEnd && Chars.isToken(b[j])) {
                j++;
            }
            Header h = Header.of(b, i, j);
            if (h == Header.CONTENT_LENGTH) {
                while (j < lineEnd && Chars.isWs(b[j])) {
                    j++;
                }
                if (j < lineEnd && b[j] == ':') {
                    int vs = j + 1;
                    int ve = lineEnd;
                    while (vs < ve && Chars.isWs(b[vs])) {
                        vs++;
                    }
                    while (ve > vs && (Chars.isWs(b[ve - 1]) || b[ve - 1] == '\r')) {
                        ve--;
                    }
                    long n = Numbers.parseDecimal(b, vs, ve, Integer.MAX_VALUE);
                    if (n < 0) {
                        throw new SipParseException(Violation.BAD_CONTENT_LENGTH, "Content-Length is not a number");
                    }
                    if (found >= 0 && found != n) {
                        throw new SipParseException(Violation.CONFLICTING_CONTENT_LENGTH, found + " and " + n);
                    }
                    found = (int) n;
                }
            }
            i = lineEnd + 1;
        }
        if (found < 0) {
            throw new SipParseException(Violation.MISSING_CONTENT_LENGTH_ON_STREAM, "no Content-Length");
        }
        return found;
    }
}
