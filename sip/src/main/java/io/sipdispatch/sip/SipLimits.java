package io.sipdispatch.sip;

/**
 * The limits the codec enforces before anything else looks at a message. Each one protects memory or CPU
 * from a peer that sends too much; each rejection names its {@link Violation}.
 *
 * @param maxMessageSize  bytes of one message, start line to end of body; larger gets 513 Message Too Large
 *                        (RFC 3261 §18.1.1 and §21.5.14). 65,535 is the largest UDP payload.
 * @param maxHeaders      header lines (after unfolding) in one message; RFC 4475's longest message has 47
 * @param maxHeaderLine   bytes of one header line including its folded continuations
 * @param maxVias         Via values in one message: a request that passed 70 proxies (Max-Forwards' usual
 *                        start) has at most 70
 */
public record SipLimits(int maxMessageSize, int maxHeaders, int maxHeaderLine, int maxVias) {

    /** 64 KiB messages, 256 header lines, 8 KiB per line, 70 Vias. */
    public static final SipLimits DEFAULT = new SipLimits(65_535, 256, 8_192, 70);

    public SipLimits {
        if (maxMessageSize < 64 || maxHeaders < 8 || maxHeaderLine < 64 || maxVias < 1) {
            throw new IllegalArgumentException("limits too small to carry a SIP message");
        }
    }
}
