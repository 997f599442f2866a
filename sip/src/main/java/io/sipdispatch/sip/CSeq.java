package io.sipdispatch.sip;

/**
 * {@code CSeq: 1*DIGIT LWS Method} (RFC 3261 §20.16): a 32-bit sequence number and the method it counts.
 */
public record CSeq(long number, String method) {

    /** The largest sequence number: 2^32 - 1 (RFC 3261 §8.1.1.5). */
    public static final long MAX = 0xffff_ffffL;

    public static CSeq parse(String v) throws SipParseException {
        byte[] b = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return parse(b, 0, b.length);
    }

    static CSeq parse(byte[] b, int from, int to) throws SipParseException {
        while (from < to && Chars.isWs(b[from])) {
            from++;
        }
        while (to > from && Chars.isWs(b[to - 1])) {
            to--;
        }
        int i = from;
        while (i < to && Chars.isDigit(b[i])) {
            i++;
        }
        long n = Numbers.parseDecimal(b, from, i, MAX);
        int ws = i;
        while (i < to && Chars.isWs(b[i])) {
            i++;
        }
        int ms = i;
        while (i < to && Chars.isToken(b[i])) {
            i++;
        }
        if (n < 0 || ms == ws || ms == to || i != to) {
            throw new SipParseException(Violation.MALFORMED_CSEQ,
                "CSeq: " + new String(b, from, to - from, java.nio.charset.StandardCharsets.UTF_8));
        }
        return new CSeq(n, SipMethod.of(b, ms, to));
    }

    @Override
    public String toString() {
        return number + " " + method;
    }
}
