package io.sipdispatch.sip;

/**
 * How far the codec bends for a message that breaks the grammar in a way RFC 4475 calls repairable.
 * Every violation has a name ({@link Violation}); the mode only decides whether a tolerable one rejects.
 */
public enum ComplianceMode {
    /** Reject every violation with its status code. The default for a proxy in front of gateways. */
    STRICT,
    /** Record tolerable violations on the message and go on; reject only the others. */
    LENIENT;

    /** Whether this mode rejects a message that has {@code v}. */
    public boolean rejects(Violation v) {
        return this == STRICT || !v.tolerable();
    }
}
