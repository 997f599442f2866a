package io.sipdispatch.sip;

/** Character classes of the SIP grammar (RFC 3261 §25.1). */
final class Chars {
    private static final boolean[] TOKEN = new boolean[256];
    private static final boolean[] URI = new boolean[256];
    private static final boolean[] HOST = new boolean[256];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 32] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        // token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
        for (char c : "-.!%*_+`'~".toCharArray()) {
            TOKEN[c] = true;
        }
        // Characters that may appear unescaped somewhere in a SIP or tel URI (reserved / unreserved / escaped),
        // plus '[' ']' for IPv6 references. Whitespace, '<', '>', '"', '{', '}', '|', '\\', '^' never may.
        for (int c = 0x21; c < 0x7f; c++) {
            URI[c] = "<>\"{}|\\^`".indexOf(c) < 0;
        }
        for (int c = 0x80; c < 0x100; c++) {
            URI[c] = true;
        }
        // hostname / IPv4address characters (RFC 3261 §25.1), and '_' which real deployments use.
        for (int c = 0; c < 128; c++) {
            HOST[c] = (c | 0x20) >= 'a' && (c | 0x20) <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_';
        }
    }

    private Chars() {
    }

    static boolean isToken(int b) {
        return TOKEN[b & 0xff];
    }

    /** Whether {@code b} may stand unescaped in a URI; bytes of UTF-8 (0x80 and above) may. */
    static boolean isUriChar(int b) {
        return URI[b & 0xff];
    }

    static boolean isHostChar(int b) {
        return HOST[b & 0xff];
    }

    static boolean isWs(int b) {
        return b == ' ' || b == '\t';
    }

    static boolean isDigit(int b) {
        return b >= '0' && b <= '9';
    }
}
