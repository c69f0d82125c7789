package dev.mailroom.runtime.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A keep-alive connection on which a request was queued behind an exchange still in progress, and
 * answered at once when its turn came, goes on reading: the next request is answered. Pipelining
 * the first two requests puts the second in that queue every time; a client that waits for each
 * answer gets there only when it sends its next request before the event loop has seen the previous
 * answer's write complete, which is a race.
 */
class KeepAliveReadsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(5);

  @Test
  void theConnectionIsReadAfterAQueuedRequestIsAnsweredAtOnce() throws IOException {
    DisposableServer server = start(new KeepAliveReads());
    try (Socket socket = connect(server)) {
      for (int round = 0; round < 3; round++) {
        send(socket, get("/later") + get("/now"));
        assertThat(readResponse(socket)).isEqualTo("later");
        assertThat(readResponse(socket)).isEqualTo("now");

        send(socket, get("/now"));
        assertThat(readResponse(socket)).isEqualTo("now");
      }
    } finally {
      server.disposeNow();
    }
  }

  /**
   * The server as Reactor Netty sets it up stops reading the connection. Once this fails, the
   * Reactor Netty in use reads on by itself, and {@link KeepAliveReads} can be removed.
   */
  @Test
  void withoutItTheConnectionStopsBeingRead() throws IOException {
    DisposableServer server = start(Function.identity());
    try (Socket socket = connect(server)) {
      send(socket, get("/later") + get("/now"));
      assertThat(readResponse(socket)).isEqualTo("later");
      assertThat(readResponse(socket)).isEqualTo("now");

      send(socket, get("/now"));
      assertThatThrownBy(() -> readResponse(socket)).isInstanceOf(SocketTimeoutException.class);
    } finally {
      server.disposeNow();
    }
  }

  /** {@code /later} answers from another thread, as an answer that waited on I/O does. */
  private static DisposableServer start(Function<HttpServer, HttpServer> customizer) {
    return customizer
        .apply(HttpServer.create().host("127.0.0.1").port(0))
        .route(
            routes ->
                routes
                    .get(
                        "/later",
                        (request, response) ->
                            response.sendString(
                                Mono.delay(Duration.ofMillis(200)).map(tick -> "later")))
                    .get("/now", (request, response) -> response.sendString(Mono.just("now"))))
        .bindNow();
  }

  private static Socket connect(DisposableServer server) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(server.host(), server.port()), 5_000);
    socket.setSoTimeout((int) PATIENCE.toMillis());
    return socket;
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
  }

  private static void send(Socket socket, String requests) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(requests.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** One response of the connection, which has a {@code Content-Length}; its body. */
  private static String readResponse(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("Connection closed after " + head);
      }
      head.write(b);
    }
    int length = -1;
    for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    assertThat(head.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
    assertThat(length).as("Content-Length").isNotNegative();
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
