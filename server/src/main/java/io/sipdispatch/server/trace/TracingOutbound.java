package io.sipdispatch.server.trace;

import io.sipdispatch.server.proxy.Outbound;
import io.sipdispatch.server.transport.Listener;
import java.net.InetSocketAddress;

/** The transports' {@link Outbound}, with each message sent shown to the tracer first. */
public final class TracingOutbound implements Outbound {
    private final Outbound out;
    private final SipTracer tracer;

    public TracingOutbound(Outbound out, SipTracer tracer) {
        this.out = out;
        this.tracer = tracer;
    }

    @Override
    public void send(Listener via, InetSocketAddress to, byte[] bytes, Object connection) {
        tracer.sent(bytes, via, to);
        out.send(via, to, bytes, connection);
    }

    @Override
    public void sendRequest(Listener via, InetSocketAddress to, byte[] bytes, Runnable onFailure) {
        tracer.sent(bytes, via, to);
        out.sendRequest(via, to, bytes, onFailure);
    }

    @Override
    public void sendResponse(Listener via, InetSocketAddress to, InetSocketAddress fallback, byte[] bytes) {
        tracer.sent(bytes, via, to);
        out.sendResponse(via, to, fallback, bytes);
    }

    @Override
    public void batch(Runnable sends) {
        out.batch(sends);
    }
}
