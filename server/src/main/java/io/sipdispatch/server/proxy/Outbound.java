package io.sipdispatch.server.proxy;

import io.sipdispatch.server.transport.Listener;
import java.net.InetSocketAddress;

/**
 * How the proxy hands a message to the transports. Sending never blocks: a stream connection that is not
 * yet open is opened and the message goes out when it is.
 */
public interface Outbound {
    /**
     * Sends {@code bytes} to {@code to} from {@code via}'s socket. For a stream transport, {@code connection}
     * is the connection to answer on (the one a request came in on, RFC 3261 §18.2.2), or null to use any
     * open connection to {@code to}, or to open one.
     */
    void send(Listener via, InetSocketAddress to, byte[] bytes, Object connection);

    /**
     * Sends a response over a stream transport: on the open connection to {@code to} (where its request
     * came from), or, when that connection has closed, on a new one to {@code fallback}, the sent-by port
     * of the Via (RFC 3261 §18.2.2).
     */
    default void sendResponse(Listener via, InetSocketAddress to, InetSocketAddress fallback, byte[] bytes) {
        send(via, to, bytes, null);
    }
}
