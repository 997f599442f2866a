package io.sipdispatch.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * Reads datagrams of one UDP socket and hands each to the proxy on the loop that read it. Sends made while
 * handling a batch of reads are flushed once at the end of the batch (one sendmmsg with native epoll).
 */
final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final Listener listener;
    private final MessageSink sink;
    private final NettyTransport transport;
    private final int loop;
    /** The peer of a connected socket (one per destination and loop), null for a listening socket. */
    private final InetSocketAddress peer;
    private byte[] scratch = new byte[8192];
    private final ReadBacklog backlog = new ReadBacklog(NettyTransport.READ_BATCH);

    UdpHandler(Listener listener, MessageSink sink, NettyTransport transport, int loop) {
        this(listener, sink, transport, loop, null);
    }

    UdpHandler(Listener listener, MessageSink sink, NettyTransport transport, int loop, InetSocketAddress peer) {
        super(true);
        this.listener = listener;
        this.sink = sink;
        this.transport = transport;
        this.loop = loop;
        this.peer = peer;
    }

    ReadBacklog backlog() {
        return backlog;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        NettyTransport.LOOP.set(loop);
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        NettyTransport.LOOP.set(loop);
        ByteBuf content = packet.content();
        int n = content.readableBytes();
        if (n == 0) {
            return;
        }
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        content.getBytes(content.readerIndex(), scratch, 0, n);
        transport.batchStarted();
        backlog.read();
        transport.reading(loop, backlog);
        sink.onMessage(scratch, 0, n, listener, packet.sender(), null);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        backlog.batchEnded(System.nanoTime());
        transport.batchEnded();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // An unconnected socket never hears ICMP errors; a connected one does, as an exception on read or
        // write. Nothing to close, nothing to log per packet.
        transport.counters.udpErrors.increment();
        if (peer != null && unreachable(cause)) {
            transport.counters.icmpUnreachable.increment();
            NettyTransport.LOOP.set(loop);
            sink.unreachable(listener, peer);
        }
    }

    private static boolean unreachable(Throwable cause) {
        if (cause instanceof java.net.PortUnreachableException || cause instanceof java.net.NoRouteToHostException) {
            return true;
        }
        String m = cause.getMessage();
        return m != null && (m.contains("Connection refused") || m.contains("unreachable"));
    }
}
