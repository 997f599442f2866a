package io.sipdispatch.sip;

/**
 * {@code CSeq: 1*DIGIT LWS Method} (RFC 3261 §20.16): a 32-bit sequence number and the method it counts.
 */
public record CSeq(long number, String method) {

    /** The largest sequence number: 2^32 - 1 (RFC 3261 §8.1.1.5). */
    public static final long MAX = 0xffff_ffffL;

    public static CSeq parse(String v) throws SipParseException {
        String s = v.trim();
        int i = 0;
        while (i < s.length() && Chars.isDigit(s.charAt(i))) {
            i++;
        }
        int ws = i;
        while (i < s.length() && Chars.isWs(s.charAt(i))) {
            i++;
        }
        long n = Numbers.parseDecimal(s.substring(0, ws), MAX);
        String m = s.substring(i);
        if (n < 0 || i == ws || !Chars.isToken(m)) {
            throw new SipParseException(Violation.MALFORMED_CSEQ, "CSeq: " + v);
        }
        String known = SipMethod.intern(m);
        return new CSeq(n, known != null ? known : m);
    }

    @Override
    public String toString() {
        return number + " " + method;
    }
}
