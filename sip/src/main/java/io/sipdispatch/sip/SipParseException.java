package io.sipdispatch.sip;

/**
 * The only exception the codec throws for bad input. It names the {@link Violation} and, when the start
 * line and header section could be indexed, carries the {@linkplain #partial() partial message} so that a
 * proxy can still build the error response (it needs the Via, From, To, Call-ID and CSeq).
 */
public final class SipParseException extends Exception {
    private final Violation violation;
    private final transient SipMessage partial;

    public SipParseException(Violation violation, String detail, SipMessage partial) {
        super(violation.name() + ": " + detail, null, false, false);
        this.violation = violation;
        this.partial = partial;
    }

    public SipParseException(Violation violation, String detail) {
        this(violation, detail, null);
    }

    public Violation violation() {
        return violation;
    }

    /** The message as far as it was indexed, or {@code null} when not even the headers could be. */
    public SipMessage partial() {
        return partial;
    }
}
