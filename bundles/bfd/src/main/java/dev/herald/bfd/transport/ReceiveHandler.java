package dev.herald.bfd.transport;

import dev.herald.bfd.packet.BfdControlPacket;
import dev.herald.bfd.packet.BfdPacketCodec;
import dev.herald.bfd.packet.DecodeResult;
import dev.herald.bfd.packet.DiscardReason;
import io.netty.channel.ChannelConfig;
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
 *
 * <p>After a round of reads the socket pauses until the next point of the endpoint's 5 ms grid, so the packets of
 * many peers that arrive in between cost one wake-up of the thread, not one each (docs/bfd.md, "CPU"). A packet
 * thus waits at most 5 ms before its session sees it.
 */
final class ReceiveHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiveHandler.class);
    /**
     * Datagrams read per round at most: more than a socket buffer holds, so that after a stall the whole backlog is
     * read before the detection checks that wait for it run (docs/bfd.md, "Stalls and garbage collection"). After a
     * full round, more may wait, and the next round starts at once.
     */
    static final int MAX_MESSAGES_PER_READ = 1024;

    private final SessionTable table;
    private final boolean multihop;
    private final BiConsumer<DiscardReason, InetAddress> discards;
    private final EventLoopScheduler scheduler;
    private int readThisRound;

    ReceiveHandler(SessionTable table, boolean multihop, BiConsumer<DiscardReason, InetAddress> discards,
                   EventLoopScheduler scheduler) {
        this.scheduler = scheduler;
        this.table = table;
        this.multihop = multihop;
        this.discards = discards;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        int read = readThisRound;
        readThisRound = 0;
        // a round that found nothing (the re-enabled socket was empty) waits for the next packet as is; a full one
        // reads on at once
        if (read > 0 && read < MAX_MESSAGES_PER_READ) {
            // Netty reads until the socket is empty only while auto-read is on: off between rounds, on again at
            // the next grid point, which reads what came meanwhile
            ChannelConfig config = ctx.channel().config();
            config.setAutoRead(false);
            scheduler.scheduleAt(EventLoopScheduler.nextGridPoint(), () -> config.setAutoRead(true));
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket datagram) {
        readThisRound++;
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
