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
     * Sends a request that a client transaction owns to a destination it watches: {@code onFailure} runs, on
     * any thread, when the request could not be sent (a stream connection refused or failed). Over UDP the
     * transport may send from a socket connected to {@code to}, so that an ICMP error for it is heard: that
     * is reported to the {@code MessageSink} as {@code unreachable}, not through {@code onFailure}.
     */
    default void sendRequest(Listener via, InetSocketAddress to, byte[] bytes, Runnable onFailure) {
        send(via, to, bytes, null);
    }

    /**
     * Runs {@code sends} so that what it sends from this thread's sockets is flushed once at the end (one
     * system call for many datagrams where the transport can), as a read batch is.
     */
    default void batch(Runnable sends) {
        sends.run();
    }

    /**
     * For a datagram being handled on this thread: how long, in nanoseconds, the socket it came from has been
     * read without once emptying its queue (0 when the reads keep up). The proxy sheds new calls on it.
     */
    default long behindNanos() {
        return 0;
    }

    /**
     * For a datagram being handled on this thread: the share of its receive buffer that the kernel queue of
     * the socket it came from held when last looked at (every few milliseconds), or -1 where unknown.
     */
    default float queueFill() {
        return -1;
    }

    /**
     * For a datagram being handled on this thread: whether the kernel queue of the socket it came from held
     * less at the last look than about 100 ms before, i.e. the reads are catching up on a pause rather than
     * falling behind what arrives. False where unknown.
     */
    default boolean queueShrinking() {
        return false;
    }

    /**
     * Sends a response over a stream transport: on the open connection to {@code to} (where its request
     * came from), or, when that connection has closed, on a new one to {@code fallback}, the sent-by port
     * of the Via (RFC 3261 §18.2.2).
     */
    default void sendResponse(Listener via, InetSocketAddress to, InetSocketAddress fallback, byte[] bytes) {
        send(via, to, bytes, null);
    }
}
