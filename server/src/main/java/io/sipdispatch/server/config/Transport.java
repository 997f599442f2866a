package io.sipdispatch.server.config;

import java.util.Locale;

/**
 * A SIP transport (RFC 3261 §18): UDP, TCP, TLS over TCP (§26.2), and WebSocket, plain or secure (RFC 7118),
 * as browsers (WebRTC) speak it.
 */
public enum Transport {
    UDP(false), TCP(true), TLS(true), WS(true), WSS(true);

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
        if (name.equalsIgnoreCase("tls")) {
            return TLS;
        }
        if (name.equalsIgnoreCase("ws")) {
            return WS;
        }
        if (name.equalsIgnoreCase("wss")) {
            return WSS;
        }
        return null;
    }

    /** Whether it runs over TLS (TLS, WSS). */
    public boolean secure() {
        return this == TLS || this == WSS;
    }

    /** Whether it is WebSocket (WS, WSS): a connection this server accepts but does not open. */
    public boolean webSocket() {
        return this == WS || this == WSS;
    }
}
