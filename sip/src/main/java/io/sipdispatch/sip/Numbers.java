package io.sipdispatch.sip;

/** Decimal scalars of the SIP grammar: 1*DIGIT, leading zeros allowed (RFC 4475 §3.1.1.1). */
final class Numbers {
    private Numbers() {
    }

    /** The value of {@code b[from, to)} if it is 1*DIGIT no larger than {@code max}; else -1. */
    static long parseDecimal(byte[] b, int from, int to, long max) {
        if (from >= to || to - from > 40) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            int c = b[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
            if (n > max) {
                return -1;
            }
        }
        return n;
    }
}
