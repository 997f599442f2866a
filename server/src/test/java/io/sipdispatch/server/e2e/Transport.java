package io.sipdispatch.server.e2e;

/** A SIP transport as the tests use it: SIPp's {@code -t} mode, the listen prefix and the URI parameter. */
public enum Transport {
    /** UDP, one socket for all calls (SIPp {@code -t u1}). */
    UDP("u1", "udp"),
    /** TCP, one connection for all calls (SIPp {@code -t t1}). */
    TCP("t1", "tcp");

    private final String sippMode;
    private final String lower;

    Transport(String sippMode, String lower) {
        this.sippMode = sippMode;
        this.lower = lower;
    }

    /** The value of SIPp's {@code -t}. */
    public String sippMode() {
        return sippMode;
    }

    /** {@code udp} or {@code tcp}: the prefix of a {@code listen:} entry and the URI's transport parameter. */
    public String lower() {
        return lower;
    }

    /** The URI parameter that selects this transport for a destination: empty for UDP, the default. */
    public String uriParameter() {
        return this == UDP ? "" : ";transport=" + lower;
    }
}
