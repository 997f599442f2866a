package io.sipdispatch.dispatcher;

/**
 * The state bits of a destination, with Kamailio's values so that a list file or a {@code dispatcher}
 * table written for Kamailio means the same here: the {@code flags} column holds them, and
 * {@code dispatcher.list} shows them as two letters.
 */
public final class DestinationFlags {
    /** Not selected: failed or marked down (Kamailio {@code DS_INACTIVE_DST}, letter I). */
    public static final int INACTIVE = 1;
    /** Selected, but one more failure marks it inactive (Kamailio {@code DS_TRYING_DST}, letter T). */
    public static final int TRYING = 2;
    /** Taken out by the operator; probing does not bring it back (Kamailio {@code DS_DISABLED_DST}, D). */
    public static final int DISABLED = 4;
    /** Kept under OPTIONS probing (Kamailio {@code DS_PROBING_DST}, second letter P). */
    public static final int PROBING = 8;
    /**
     * Taken out of selection for new calls by the operator while its calls in progress finish (sipdispatch's
     * own; Kamailio has no such bit, so it sits above Kamailio's flag bits 16 and 32). Health is still
     * tracked and probed, so the destination is known good or bad when it is enabled again.
     */
    public static final int DRAINING = 256;
    /** Every state bit. */
    public static final int ALL = INACTIVE | TRYING | DISABLED | PROBING | DRAINING;

    private DestinationFlags() {
    }

    /** Whether a destination with these flags is skipped by selection (inactive, disabled or draining). */
    public static boolean skipped(int flags) {
        return (flags & (INACTIVE | DISABLED | DRAINING)) != 0;
    }

    /**
     * The two-letter state Kamailio's {@code dispatcher.list} prints: A(ctive), I(nactive), T(rying) or
     * D(isabled), then P when probing, else X. Disabled wins over inactive, which wins over trying. A draining
     * destination shows R in first place (Kamailio has no letter for it), so that a check looking for
     * {@code A} does not count it as taking calls.
     */
    public static String code(int flags) {
        return DestinationState.of(flags).code();
    }
}
