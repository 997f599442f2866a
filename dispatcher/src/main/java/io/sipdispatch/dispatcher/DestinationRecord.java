package io.sipdispatch.dispatcher;

import java.util.Objects;

/**
 * One destination as provisioned, before any runtime state: a row of Kamailio's {@code dispatcher.list}
 * or {@code dispatcher} table ({@code setid destination flags priority attrs description}).
 *
 * @param setId       the set it belongs to
 * @param uri         its SIP URI ({@code sip:10.0.0.11:5060;transport=tcp})
 * @param flags       the flags column as written; its state bits ({@link #state()}) set the initial state
 * @param priority    higher first in priority-ordered algorithms (Kamailio's convention)
 * @param attrs       the attrs string, parsed
 * @param description free text, may be empty
 * @param rowId       the database row's id, which stays the destination's identity when its URI is edited;
 *                    null for a list file line
 */
public record DestinationRecord(int setId, String uri, int flags, int priority, Attributes attrs, String description,
                                String rowId) {
    /** A destination without a row id (a list file line). */
    public DestinationRecord(int setId, String uri, int flags, int priority, Attributes attrs, String description) {
        this(setId, uri, flags, priority, attrs, description, null);
    }

    public DestinationRecord {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(attrs, "attrs");
        description = description == null ? "" : description;
        if (flags < 0) {
            throw new IllegalArgumentException("negative flags " + flags);
        }
    }

    /** The state bits of {@link #flags()}; other bits (Kamailio's newer ones) are kept but mean nothing here. */
    public int state() {
        return flags & DestinationFlags.ALL;
    }

    /**
     * A stable identity across reloads: the duid attribute when given, else the row id, else set, URI and
     * socket. A reload carries the runtime state (health, latency, call counts) over by it.
     */
    public String identity() {
        String duid = attrs.duid();
        if (duid != null) {
            return setId + "/" + duid;
        }
        if (rowId != null) {
            return "row/" + rowId;
        }
        String socket = attrs.socket();
        return setId + "/" + uri + (socket == null ? "" : "/" + socket);
    }
}
