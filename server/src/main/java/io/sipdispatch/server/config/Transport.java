package io.sipdispatch.server.config;

import java.util.Locale;

/** A SIP transport (RFC 3261 §18; TLS and WebSocket arrive later). */
public enum Transport {
    UDP(false), TCP(true);

    private final boolean reliable;
    private final String viaName;
    private final String lower;

    Transport(boolean reliable) {
        this.reliable = reliable;
        this.viaName = name();
        this.lower = name().toLowerCase(Locale.ROOT);
    }

    /** Stream transports carry retransmission themselves (RFC 3261 §17.1.1.2: no Timer A over TCP). */
    public boolean reliable() {
        return reliable;
    }

    /** As written in a Via: {@code SIP/2.0/UDP}. */
    public String viaName() {
        return viaName;
    }

    /** As written in a URI {@code transport} parameter. */
    public String paramName() {
        return lower;
    }

    /** The transport a Via or URI names, or null when it is not one sipdispatch speaks. */
    public static Transport of(String name) {
        if (name == null) {
            return null;
        }
        if (name.equalsIgnoreCase("udp")) {
            return UDP;
        }
        if (name.equalsIgnoreCase("tcp")) {
            return TCP;
        }
        return null;
    }
}
