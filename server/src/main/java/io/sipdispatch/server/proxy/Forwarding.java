package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.Destination;

/**
 * Where a dispatched request went: the destination (null for a relay), the address it was sent to, and
 * whether the Request-URI was rewritten to the destination's host and port.
 */
record Forwarding(Destination destination, Target target, boolean rewroteRequestUri) {
}
