package io.sipdispatch.server.transport;

import java.net.InetSocketAddress;

/** Where the transports deliver what they read: the proxy. */
@FunctionalInterface
public interface MessageSink {
    /**
     * One datagram or one framed stream message, {@code buf[off, off + len)}, valid only during the call;
     * {@code connection} is the stream connection it came on, null for UDP.
     */
    void onMessage(byte[] buf, int off, int len, Listener in, InetSocketAddress source, Object connection);

    /**
     * An ICMP error (port or host unreachable) came back for what was sent from {@code via} to {@code peer};
     * called on the event loop that sent it.
     */
    default void unreachable(Listener via, InetSocketAddress peer) {
    }
}
