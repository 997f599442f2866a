package io.sipdispatch.dispatcher;

/**
 * The parts of a request that hash algorithms key on (Kamailio's {@code $ci}, {@code $fu}, {@code $tu},
 * {@code $ru}, {@code $au}…). A null means the request has no such part; the algorithm then falls back
 * to round-robin, as Kamailio's algorithm 5 does without credentials.
 */
public interface RequestKey {
    RequestKey NONE = new RequestKey() {
    };

    default String callId() {
        return null;
    }

    default String fromUri() {
        return null;
    }

    default String toUri() {
        return null;
    }

    default String requestUri() {
        return null;
    }

    default String authUser() {
        return null;
    }

    default String fromUser() {
        return null;
    }

    default String fromDomain() {
        return null;
    }

    default String toUser() {
        return null;
    }

    default String toDomain() {
        return null;
    }

    default String requestUser() {
        return null;
    }

    default String requestDomain() {
        return null;
    }

    /** The source IP address of the request, as text. */
    default String sourceIp() {
        return null;
    }

    default String sourcePort() {
        return null;
    }

    /** The first value of header {@code name}, or null. */
    default String header(String name) {
        return null;
    }

    /** A request whose only key is its Call-ID. */
    static RequestKey ofCallId(String callId) {
        return new RequestKey() {
            @Override
            public String callId() {
                return callId;
            }
        };
    }
}
