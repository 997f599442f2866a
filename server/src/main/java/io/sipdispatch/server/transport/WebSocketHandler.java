package io.sipdispatch.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One SIP WebSocket connection (RFC 7118): each text or binary message is one SIP message, handed to the
 * proxy as a stream message would be; what the proxy writes to the connection goes out as one text message.
 */
final class WebSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    /** The WebSocket subprotocol of SIP (RFC 7118 §4.1). */
    static final String SUBPROTOCOL = "sip";
    /** Set once the peer has sent a binary message: it is answered in binary messages too. */
    static final io.netty.util.AttributeKey<Boolean> BINARY = io.netty.util.AttributeKey.valueOf("sip-ws-binary");

    private final Listener listener;
    private final MessageSink sink;
    private final NettyTransport transport;
    private byte[] scratch = new byte[4096];

    WebSocketHandler(Listener listener, MessageSink sink, NettyTransport transport) {
        this.listener = listener;
        this.sink = sink;
        this.transport = transport;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (!(frame instanceof TextWebSocketFrame) && !(frame instanceof BinaryWebSocketFrame)) {
            return; // continuation frames are joined by the aggregator; pings are answered by the codec
        }
        if (frame instanceof BinaryWebSocketFrame) {
            ctx.channel().attr(BINARY).set(Boolean.TRUE);
        }
        ByteBuf buf = frame.content();
        int n = buf.readableBytes();
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        buf.getBytes(buf.readerIndex(), scratch, 0, n);
        sink.onMessage(scratch, 0, n, listener, (InetSocketAddress) ctx.channel().remoteAddress(), ctx.channel());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            // In the connection table once it speaks SIP: responses and requests to this caller find it there.
            transport.register(ctx.channel());
        } else if (evt instanceof IdleStateEvent) {
            transport.counters.tcpIdleClosed.increment();
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        transport.counters.tcpErrors.increment();
        ctx.close();
    }

    /**
     * What the proxy writes (a whole SIP message) goes out as one message: text, unless the peer sends binary
     * messages (a body that is not UTF-8 has no place in a text message).
     */
    static final class Encoder extends MessageToMessageEncoder<ByteBuf> {
        @Override
        protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
            out.add(Boolean.TRUE.equals(ctx.channel().attr(BINARY).get())
                ? new BinaryWebSocketFrame(msg.retain()) : new TextWebSocketFrame(msg.retain()));
        }
    }
}
