package io.sipdispatch.sip;

import java.nio.charset.StandardCharsets;

/**
 * The methods of RFC 3261 and its common extensions. Method names are case-sensitive (RFC 3261 §7.1), so
 * {@code invite} is an unknown extension method, not INVITE. The parser hands out these interned strings
 * for known methods, so comparing with {@code ==} is safe for them and no String is built per message.
 */
public final class SipMethod {
    public static final String INVITE = "INVITE";
    public static final String ACK = "ACK";
    public static final String BYE = "BYE";
    public static final String CANCEL = "CANCEL";
    public static final String OPTIONS = "OPTIONS";
    public static final String REGISTER = "REGISTER";
    public static final String PRACK = "PRACK";
    public static final String SUBSCRIBE = "SUBSCRIBE";
    public static final String NOTIFY = "NOTIFY";
    public static final String PUBLISH = "PUBLISH";
    public static final String INFO = "INFO";
    public static final String REFER = "REFER";
    public static final String MESSAGE = "MESSAGE";
    public static final String UPDATE = "UPDATE";

    private static final String[] KNOWN = {
        INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, PRACK, SUBSCRIBE, NOTIFY, PUBLISH, INFO, REFER, MESSAGE, UPDATE
    };
    private static final byte[][] KNOWN_BYTES = new byte[KNOWN.length][];

    static {
        for (int i = 0; i < KNOWN.length; i++) {
            KNOWN_BYTES[i] = KNOWN[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    private SipMethod() {
    }

    /** Whether {@code method} is one of the methods listed here. */
    public static boolean isKnown(String method) {
        return intern(method) != null;
    }

    /** The interned name for a known method, else {@code null}. */
    static String intern(String method) {
        for (String k : KNOWN) {
            if (k.equals(method)) {
                return k;
            }
        }
        return null;
    }

    /** The method named by {@code buf[start, end)}: an interned constant when known, else a new String. */
    static String of(byte[] buf, int start, int end) {
        int len = end - start;
        outer:
        for (int i = 0; i < KNOWN_BYTES.length; i++) {
            byte[] k = KNOWN_BYTES[i];
            if (k.length != len) {
                continue;
            }
            for (int j = 0; j < len; j++) {
                if (k[j] != buf[start + j]) {
                    continue outer;
                }
            }
            return KNOWN[i];
        }
        return new String(buf, start, len, StandardCharsets.UTF_8);
    }
}
