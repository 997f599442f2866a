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
    /** Open-addressing table over the lower-cased full names; 128 slots for about 40 names. */
    private static final Header[] TABLE = new Header[128];
    /** Compact forms by lower-case letter. */
    private static final Header[] COMPACT = new Header[128];

    static {
        for (Header h : VALUES) {
            if (h == OTHER) {
                continue;
            }
            byte[] n = h.bytes;
            int slot = hash(n, 0, n.length) & (TABLE.length - 1);
            while (TABLE[slot] != null) {
                slot = (slot + 1) & (TABLE.length - 1);
            }
            TABLE[slot] = h;
            if (h.compact != '\0') {
                COMPACT[h.compact] = h;
            }
        }
    }

    private final String canonical;
    private final byte[] bytes;
    private final char compact;
    private final boolean listValued;

    Header(String canonical, char compact, boolean listValued) {
        this.canonical = canonical;
        this.bytes = canonical.getBytes(StandardCharsets.US_ASCII);
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
            int c = buf[start] | 0x20;
            return c < 128 && COMPACT[c] != null ? COMPACT[c] : OTHER;
        }
        int slot = hash(buf, start, end) & (TABLE.length - 1);
        Header h;
        while ((h = TABLE[slot]) != null) {
            if (h.bytes.length == len && equalsIgnoreCase(h.bytes, buf, start)) {
                return h;
            }
            slot = (slot + 1) & (TABLE.length - 1);
        }
        return OTHER;
    }

    /** The header a name denotes (see {@link #of(byte[], int, int)}). */
    public static Header of(String name) {
        byte[] b = name.trim().getBytes(StandardCharsets.ISO_8859_1);
        return of(b, 0, b.length);
    }

    private static int hash(byte[] b, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + (b[i] | 0x20);
        }
        return h ^ (h >>> 7);
    }

    private static boolean equalsIgnoreCase(byte[] lowerOrMixed, byte[] buf, int start) {
        for (int i = 0; i < lowerOrMixed.length; i++) {
            int a = lowerOrMixed[i];
            int b = buf[start + i];
            if (a != b && ((a | 0x20) != (b | 0x20) || !isLetter(a))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(int c) {
        int l = c | 0x20;
        return l >= 'a' && l <= 'z';
    }
}
