package io.sipdispatch.server.proxy;

/** Where one branch goes: the forwarding (destination and next hop) and the socket it leaves from. */
record Hop(Forwarding forwarding, io.sipdispatch.server.transport.Listener out) {
    Target target() {
        return forwarding.target();
    }
}
