package io.sipdispatch.dispatcher;

/**
 * How the hash algorithms (hash-call-id, hash-from-uri, hash-to-uri, hash-request-uri, hash-auth-user and
 * hash-key: Kamailio 0, 1, 2, 3, 5 and 7) place a key.
 */
public enum HashMode {
    /**
     * Weighted rendezvous hashing, the default: when a destination goes down only its keys move, spread
     * over the others by weight, and every other key stays where it was. Honours the {@code weight}
     * attribute.
     */
    RENDEZVOUS,
    /**
     * Kamailio's scheme: the hash modulo the number of destinations, then the next neighbour while that one
     * is down. A destination going down sends all its keys to one neighbour; a set changing size moves
     * almost every key. For operators who want Kamailio's behaviour; ignores weights, as Kamailio does.
     */
    MODULO
}
