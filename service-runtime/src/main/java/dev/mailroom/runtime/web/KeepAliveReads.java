package dev.mailroom.runtime.web;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.LastHttpContent;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.server.HttpServer;

/**
 * Keeps an HTTP/1.1 keep-alive connection reading once a request has been answered, which Reactor
 * Netty (up to at least 1.3.6) can fail to do: the connection is left open, no read is requested,
 * and the client's next request on it waits unanswered until the client gives up.
 *
 * <p>Reactor Netty reads a connection on demand, one {@code read()} at a time. A request that
 * arrives while the previous one's exchange has not yet terminated is queued, together with the
 * content that ends it; that happens to a client that sends its next request on the connection as
 * soon as it has the previous answer, when that answer was written off the event loop (a token
 * looked up in MongoDB, say) and the event loop reads the next request before it runs the write's
 * completion. When the exchange terminates, the queue is drained: the queued request is dispatched,
 * and if it is answered at once (a 401 from the security chain, which needs no I/O), its exchange
 * terminates before the content that ends it is taken from the queue. That content then reaches no
 * exchange, the drain ends, and nothing asks for the next read (reported upstream as
 * reactor/reactor-netty#4361, fixed there after 1.3.6). A client that pipelines its requests gets
 * the same queue without any race.
 *
 * <p>This handler sits right after Reactor Netty's traffic handler and watches for exactly that:
 * the content ending a request reaching the channel when no exchange is bound to it any more. It
 * then asks for a read, after whatever the event loop has already queued (the rest of the drain),
 * if by then there is still no exchange and the channel is not reading by itself. A read requested
 * between requests is what Reactor Netty itself does when it does not lose one, so the extra read
 * it adds in the ordinary case is harmless; while an exchange is in progress it never reads, so the
 * back-pressure on a request body is left alone. Once the Reactor Netty in use carries the fix,
 * this customizer can go ({@code KeepAliveReadsTest} says when).
 */
public final class KeepAliveReads implements NettyServerCustomizer {
  static final String HANDLER_NAME = "mailroom.keepAliveReads";

  private static final ResumeReading RESUME_READING = new ResumeReading();

  @Override
  public HttpServer apply(HttpServer server) {
    return server.doOnChannelInit(
        (observer, channel, remoteAddress) -> {
          // HTTP/1.1 only: an HTTP/2 connection has no traffic handler at this point.
          if (channel.pipeline().get(NettyPipeline.HttpTrafficHandler) != null
              && channel.pipeline().get(HANDLER_NAME) == null) {
            channel
                .pipeline()
                .addAfter(NettyPipeline.HttpTrafficHandler, HANDLER_NAME, RESUME_READING);
          }
        });
  }

  @ChannelHandler.Sharable
  static final class ResumeReading extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      boolean endsRequest = msg instanceof LastHttpContent;
      ctx.fireChannelRead(msg);
      if (endsRequest && idle(ctx.channel())) {
        ctx.executor().execute(() -> resume(ctx));
      }
    }

    private static void resume(ChannelHandlerContext ctx) {
      Channel channel = ctx.channel();
      if (channel.isActive() && !channel.config().isAutoRead() && idle(channel)) {
        ctx.read();
      }
    }

    /** No exchange is bound: the last request has been answered and the next is not yet read. */
    private static boolean idle(Channel channel) {
      return ChannelOperations.get(channel) == null;
    }
  }
}
