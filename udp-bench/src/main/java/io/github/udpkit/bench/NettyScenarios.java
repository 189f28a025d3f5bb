package io.github.udpkit.bench;

import io.github.udpkit.benchkit.OneWay;
import io.github.udpkit.benchkit.Scenario;
import io.github.udpkit.benchkit.SequenceCounter;
import io.github.udpkit.benchkit.Stamp;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Netty as a peer: two {@link NioDatagramChannel}s on 127.0.0.1, each on an event loop of its own.
 * The sender's loop runs on its channel's event loop, as a Netty application's does, writing
 * pooled direct buffers in batches with a flush each and pausing while the channel is not
 * writable; the receiver counts in its inbound handler.
 */
final class NettyScenarios {

    static final String KEY = "netty-nio";
    static final String MODE = "Netty NIO";

    /** Datagrams written per flush. */
    private static final int BATCH = 64;
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;
    private static final long SEND_GRACE_SECONDS = 15;

    private NettyScenarios() {
    }

    static Scenario throughput(int payloadBytes) {
        return Scenario.throughput(KEY, MODE, Scenario.Wait.BLOCKING, payloadBytes,
                counter -> new Stream(payloadBytes, counter)).withTransport("netty-nio");
    }

    private static final class Stream implements OneWay {
        private final int payloadBytes;
        private final EventLoopGroup receiverLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        private final EventLoopGroup senderLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        private final Channel receiver;
        private final Channel sender;
        private final InetSocketAddress target;
        private volatile SendLoop current;

        Stream(int payloadBytes, SequenceCounter counter) throws IOException {
            this.payloadBytes = payloadBytes;
            InetAddress loopback = InetAddress.getLoopbackAddress();
            try {
                this.receiver = new Bootstrap().group(receiverLoop).channel(NioDatagramChannel.class)
                        .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                        .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                        .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                                ByteBuf content = packet.content();
                                int at = content.readerIndex();
                                int length = content.readableBytes();
                                if (length < Stamp.LENGTH) {
                                    counter.accept(new byte[length]); // counted as malformed
                                } else {
                                    counter.accept(content.getInt(at + Stamp.ROUND_OFFSET),
                                            content.getLong(at + Stamp.SEQUENCE_OFFSET), length);
                                }
                            }
                        })
                        .bind(loopback, 0).sync().channel();
                this.target = (InetSocketAddress) receiver.localAddress();
                this.sender = new Bootstrap().group(senderLoop).channel(NioDatagramChannel.class)
                        .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                        .handler(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                                SendLoop loop = current;
                                if (loop != null && ctx.channel().isWritable()) {
                                    loop.run();
                                }
                                ctx.fireChannelWritabilityChanged();
                            }
                        })
                        .bind(loopback, 0).sync().channel();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IOException("interrupted while binding", e);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public long sendUntil(int round, long deadlineNanos, long maxMessages) throws Exception {
            SendLoop loop = new SendLoop(round, deadlineNanos, maxMessages);
            current = loop;
            sender.eventLoop().execute(loop);
            long waitNanos = Math.max(0, deadlineNanos - System.nanoTime()) + TimeUnit.SECONDS.toNanos(SEND_GRACE_SECONDS);
            try {
                return loop.done.get(waitNanos, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new IOException("Netty send loop failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new IOException("Netty send loop did not finish in time", e);
            } finally {
                current = null;
            }
        }

        /** Runs on the sender's event loop: writes batches until the deadline, yielding between them. */
        private final class SendLoop implements Runnable {
            private final int round;
            private final long deadlineNanos;
            private final long maxMessages;
            private final CompletableFuture<Long> done = new CompletableFuture<>();
            private long sequence;

            SendLoop(int round, long deadlineNanos, long maxMessages) {
                this.round = round;
                this.deadlineNanos = deadlineNanos;
                this.maxMessages = maxMessages;
            }

            @Override
            public void run() {
                if (done.isDone()) {
                    return;
                }
                try {
                    int written = 0;
                    while (written < BATCH && sequence < maxMessages && sender.isWritable()) {
                        ByteBuf buffer = sender.alloc().directBuffer(payloadBytes);
                        buffer.writeInt(round).writeLong(sequence).writeZero(payloadBytes - Stamp.LENGTH);
                        sender.write(new DatagramPacket(buffer, target), sender.voidPromise());
                        sequence++;
                        written++;
                    }
                    sender.flush();
                    if (sequence >= maxMessages || System.nanoTime() - deadlineNanos >= 0) {
                        done.complete(sequence);
                    } else if (sender.isWritable()) {
                        sender.eventLoop().execute(this); // let the loop's other work (flushing, OP_WRITE) run between batches
                    }
                    // otherwise channelWritabilityChanged resumes the loop
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            }
        }

        @Override
        public void close() {
            if (sender != null) {
                sender.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
            if (receiver != null) {
                receiver.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
            senderLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
            receiverLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }
}
