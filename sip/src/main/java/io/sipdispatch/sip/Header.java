package io.sipdispatch.sip;

import java.nio.charset.StandardCharsets;

/**
 * The header fields a proxy looks at or commonly carries, recognised by full and compact name,
 * case-insensitively (RFC 3261 §7.3.1, §7.3.3). Any other name is {@link #OTHER}: carried byte for byte,
 * never rejected.
 *
 * <p>{@link #listValued()} tells whether a comma separates values of the field (RFC 3261 §7.3.1): true for
 * Via, Route, Contact and the option-tag lists; false for fields whose grammar has commas inside a value
 * (Authorization, Date, User-Agent…), which are always one value.
 */
public enum Header {
    VIA("Via", 'v', true),
    CALL_ID("Call-ID", 'i', false),
    FROM("From", 'f', false),
    TO("To", 't', false),
    CSEQ("CSeq", '\0', false),
    MAX_FORWARDS("Max-Forwards", '\0', false),
    CONTACT("Contact", 'm', true),
    ROUTE("Route", '\0', true),
    RECORD_ROUTE("Record-Route", '\0', true),
    PATH("Path", '\0', true),
    CONTENT_LENGTH("Content-Length", 'l', false),
    CONTENT_TYPE("Content-Type", 'c', false),
    CONTENT_ENCODING("Content-Encoding", 'e', true),
    PROXY_REQUIRE("Proxy-Require", '\0', true),
    REQUIRE("Require", '\0', true),
    SUPPORTED("Supported", 'k', true),
    UNSUPPORTED("Unsupported", '\0', true),
    ALLOW("Allow", '\0', true),
    SUBJECT("Subject", 's', false),
    EXPIRES("Expires", '\0', false),
    AUTHORIZATION("Authorization", '\0', false),
    PROXY_AUTHORIZATION("Proxy-Authorization", '\0', false),
    WWW_AUTHENTICATE("WWW-Authenticate", '\0', false),
    PROXY_AUTHENTICATE("Proxy-Authenticate", '\0', false),
    USER_AGENT("User-Agent", '\0', false),
    SERVER("Server", '\0', false),
    DATE("Date", '\0', false),
    TIMESTAMP("Timestamp", '\0', false),
    RETRY_AFTER("Retry-After", '\0', false),
    WARNING("Warning", '\0', true),
    REASON("Reason", '\0', true),
    EVENT("Event", 'o', false),
    ALLOW_EVENTS("Allow-Events", 'u', true),
    REFER_TO("Refer-To", 'r', false),
    REFERRED_BY("Referred-By", 'b', false),
    ACCEPT_CONTACT("Accept-Contact", 'a', true),
    REJECT_CONTACT("Reject-Contact", 'j', true),
    REQUEST_DISPOSITION("Request-Disposition", 'd', true),
    SESSION_EXPIRES("Session-Expires", 'x', false),
    IDENTITY("Identity", 'y', false),
    IDENTITY_INFO("Identity-Info", 'n', false),
    P_ASSERTED_IDENTITY("P-Asserted-Identity", '\0', true),
    /** Any header field not listed here. */
    OTHER("", '\0', false);

    private static final Header[] VALUES = values();
    private static final java.lang.invoke.VarHandle LONGS =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long CASE8 = 0x2020202020202020L;
    /**
     * Open-addressing table over the full names, 256 slots for about 40 names, keyed by {@link #key}: the
     * length and the first two and last two bytes, lower-cased. Each slot keeps the full key, so a probe
     * compares bytes only when the key matches.
     */
    private static final int SLOTS = 256;
    private static final Header[] TABLE = new Header[SLOTS];
    private static final int[] KEYS = new int[SLOTS];
    /** Compact forms by lower-case letter. */
    private static final Header[] COMPACT = new Header[128];

    static {
        for (Header h : VALUES) {
            if (h == OTHER) {
                continue;
            }
            byte[] n = h.lower;
            int k = key(n, 0, n.length);
            int slot = k & (SLOTS - 1);
            while (TABLE[slot] != null) {
                slot = (slot + 1) & (SLOTS - 1);
            }
            TABLE[slot] = h;
            KEYS[slot] = k;
            if (h.compact != '\0') {
                COMPACT[h.compact] = h;
            }
        }
    }

    private final String canonical;
    private final byte[] lower;
    private final long head8; // first 8 bytes of the lower-case name, little-endian (fewer: zero-padded)
    private final long tail8; // last 8 bytes, when the name has 8 or more
    private final char compact;
    private final boolean listValued;

    Header(String canonical, char compact, boolean listValued) {
        this.canonical = canonical;
        this.lower = canonical.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        this.head8 = word(lower, 0, Math.min(8, lower.length));
        this.tail8 = lower.length >= 8 ? word(lower, lower.length - 8, 8) : 0;
        this.compact = compact;
        this.listValued = listValued;
    }

    /** The full name as RFC 3261 spells it, used when sipdispatch writes a header. */
    public String canonicalName() {
        return canonical;
    }

    /** The compact form, or {@code '\0'} when the field has none. */
    public char compactForm() {
        return compact;
    }

    /** Whether a comma separates several values of this field on one line. */
    public boolean listValued() {
        return listValued;
    }

    /** The header a name denotes: full or compact, any letter case. Unknown names give {@link #OTHER}. */
    public static Header of(byte[] buf, int start, int end) {
        int len = end - start;
        if (len == 1) {
            int c = (buf[start] & 0xff) | 0x20;
            return c < 128 && COMPACT[c] != null ? COMPACT[c] : OTHER;
        }
        if (len < 2) {
            return OTHER;
        }
        int k = key(buf, start, end);
        int slot = k & (SLOTS - 1);
        Header h;
        while ((h = TABLE[slot]) != null) {
            if (KEYS[slot] == k && h.lower.length == len && h.matches(buf, start)) {
                return h;
            }
            slot = (slot + 1) & (SLOTS - 1);
        }
        return OTHER;
    }

    /** The header a name denotes (see {@link #of(byte[], int, int)}). */
    public static Header of(String name) {
        byte[] b = name.trim().getBytes(StandardCharsets.ISO_8859_1);
        return of(b, 0, b.length);
    }

    /** A cheap key of a name of two or more bytes: no loop over the name, which the parser just scanned. */
    private static int key(byte[] b, int start, int end) {
        int len = end - start;
        int k = len * 0x9E3779B1
            ^ ((b[start] | 0x20) << 24 | (b[start + 1] | 0x20) << 16 | (b[end - 2] | 0x20) << 8 | (b[end - 1] | 0x20));
        return k ^ (k >>> 15) ^ (k >>> 7);
    }

    /**
     * Whether the name at {@code buf[start]} is this header's name in any letter case. The known names hold
     * only letters and '-', and a header name holds only token characters, so OR-ing 0x20 into a name byte
     * equals the lower-case byte exactly when the two match. Up to 16 bytes this is two 8-byte loads and
     * compares (the head and the tail, which may overlap); the few longer names also compare the middle.
     */
    private boolean matches(byte[] buf, int start) {
        int len = lower.length;
        if (len >= 8) {
            if (((long) LONGS.get(buf, start) | CASE8) != head8
                || ((long) LONGS.get(buf, start + len - 8) | CASE8) != tail8) {
                return false;
            }
            for (int i = 8; i < len - 8; i++) {
                if ((buf[start + i] | 0x20) != lower[i]) {
                    return false;
                }
            }
            return true;
        }
        if (start + 8 <= buf.length) {
            long mask = (1L << (8 * len)) - 1;
            return (((long) LONGS.get(buf, start) | CASE8) & mask) == head8;
        }
        for (int i = 0; i < len; i++) {
            if ((buf[start + i] | 0x20) != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private static long word(byte[] b, int from, int n) {
        long w = 0;
        for (int i = n - 1; i >= 0; i--) {
            w = w << 8 | (b[from + i] & 0xff);
        }
        return w;
    }

    private static boolean isLetter(int c) {
        int l = c | 0x20;
        return l >= 'a' && l <= 'z';
    }
}
