package io.sipdispatch.dispatcher;

/**
 * Whose state a destination has after a reload, when it was in the table before (OpenSIPS's
 * {@code ds_reload} {@code inherit_state}). A destination new to the table always starts in its provisioned
 * state.
 */
public enum ReloadState {
    /**
     * The running state (health, admin state) is kept, unless the provisioned state itself was edited since
     * the last load: the operator asked for it. For sources whose state bits only the operator writes (the list
     * file, Kamailio's {@code flags}).
     */
    INHERIT,
    /**
     * The running state is kept whatever the source says: its state column is the running state written back
     * (OpenSIPS's {@code state} with persistent state), not an edit.
     */
    INHERIT_ALWAYS,
    /** The provisioned state replaces the running one for every destination ({@code inherit_state} 0). */
    OVERRIDE
}
