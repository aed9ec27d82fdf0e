package dev.herald.bfd.transport;

import dev.herald.bfd.packet.BfdControlPacket;
import dev.herald.bfd.packet.BfdPacketCodec;
import dev.herald.bfd.packet.DecodeResult;
import dev.herald.bfd.packet.DiscardReason;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the datagrams of one receive socket (single hop or multihop): decodes, selects the session and hands the
 * packet to it; counts every discard by reason. Datagrams with the wrong TTL never get here (the socket's filter
 * drops them in the kernel).
 */
final class ReceiveHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiveHandler.class);

    private final SessionTable table;
    private final boolean multihop;
    private final BiConsumer<DiscardReason, InetAddress> discards;

    ReceiveHandler(SessionTable table, boolean multihop, BiConsumer<DiscardReason, InetAddress> discards) {
        this.table = table;
        this.multihop = multihop;
        this.discards = discards;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket datagram) {
        InetAddress sender = datagram.sender().getAddress();
        DecodeResult decoded = BfdPacketCodec.decode(datagram.content());
        if (decoded instanceof DecodeResult.Discarded d) {
            discards.accept(d.reason(), sender);
            return;
        }
        BfdControlPacket p = ((DecodeResult.Accepted) decoded).packet();
        InetAddress recipient = datagram.recipient() == null ? null : datagram.recipient().getAddress();
        SessionTable.Selection selected = table.select(p, sender, recipient, multihop);
        if (selected.session() == null) {
            discards.accept(selected.reason(), sender);
            return;
        }
        DiscardReason reason = selected.session().receive(p);
        if (reason != null) {
            discards.accept(reason, sender);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("BFD receive socket {} failed", ctx.channel().localAddress(), cause);
    }
}
