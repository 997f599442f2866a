package io.sipdispatch.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.sipdispatch.sip.SipLimits;
import io.sipdispatch.sip.SipParseException;
import io.sipdispatch.sip.StreamFramer;
import java.net.InetSocketAddress;

/**
 * One TCP connection, accepted or opened: frames SIP messages out of the stream by Content-Length and hands
 * them to the proxy, answers CRLF keepalive pings with a pong (RFC 5626 §3.5.1), closes the connection when
 * the stream cannot be framed (RFC 3261 §18.3) or when it has been idle too long.
 */
final class TcpHandler extends ChannelInboundHandlerAdapter implements StreamFramer.Sink {
    private static final byte[] PONG = {'\r', '\n'};

    private final Listener listener;
    private final MessageSink sink;
    private final NettyTransport transport;
    private final StreamFramer framer = new StreamFramer(SipLimits.DEFAULT);
    private byte[] scratch = new byte[4096];
    private ChannelHandlerContext ctx;
    private InetSocketAddress remote;

    TcpHandler(Listener listener, MessageSink sink, NettyTransport transport) {
        this.listener = listener;
        this.sink = sink;
        this.transport = transport;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        this.remote = (InetSocketAddress) ctx.channel().remoteAddress();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            int n = buf.readableBytes();
            if (scratch.length < n) {
                scratch = new byte[Math.max(n, scratch.length * 2)];
            }
            buf.getBytes(buf.readerIndex(), scratch, 0, n);
            this.ctx = ctx;
            framer.feed(scratch, 0, n, this);
        } catch (SipParseException e) {
            // An unframeable stream has no message boundary left to answer from: close it (RFC 3261 §18.3).
            transport.counters.tcpFramingErrors.increment();
            ctx.close();
        } finally {
            buf.release();
        }
    }

    @Override
    public void message(byte[] b, int off, int len) {
        sink.onMessage(b, off, len, listener, remote, ctx.channel());
    }

    @Override
    public void keepalive(boolean ping) {
        if (ping) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(PONG), ctx.voidPromise());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
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
}
