package dev.mailroom.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A webhook receiver on the loopback interface whose answers a test scripts: each request is
 * recorded, then answered by {@code behaviour} (status, optional headers, optional delay).
 */
final class TestSubscriber implements AutoCloseable {
  record Received(Map<String, List<String>> headers, String body, Instant at) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    /** The headers as the reference library wants them. */
    Map<String, List<String>> standardHeaders() {
      return Map.of(
          "webhook-id", List.of(header("webhook-id")),
          "webhook-timestamp", List.of(header("webhook-timestamp")),
          "webhook-signature", List.of(header("webhook-signature")));
    }
  }

  record Answer(int status, Map<String, String> headers, Duration delay) {
    static Answer of(int status) {
      return new Answer(status, Map.of(), Duration.ZERO);
    }
  }

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Function<Integer, Answer> behaviour = n -> Answer.of(204);
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final int port;
  private HttpServer server;

  TestSubscriber() throws IOException {
    this(0);
  }

  private TestSubscriber(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 200);
    this.port = server.getAddress().getPort();
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Answers the n-th request (0-based) as {@code behaviour} says. */
  TestSubscriber answering(Function<Integer, Answer> behaviour) {
    this.behaviour = behaviour;
    return this;
  }

  String url() {
    return "http://127.0.0.1:" + port + "/hooks";
  }

  /** Stops listening: connections are refused until {@link #restart()}. */
  void stop() {
    server.stop(0);
  }

  void restart() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 200);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      int n;
      synchronized (received) {
        n = received.size();
        received.add(
            new Received(
                Map.copyOf(exchange.getRequestHeaders()),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                Instant.now()));
      }
      Answer answer = behaviour.apply(n);
      if (!answer.delay().isZero()) {
        try {
          Thread.sleep(answer.delay().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.sendResponseHeaders(answer.status(), -1);
    } catch (IOException ignored) {
      // The dispatcher gave up (timeout) and closed the connection.
    } finally {
      exchange.close();
    }
  }

  List<Received> received() {
    return new ArrayList<>(received);
  }

  /** Waits until {@code condition} holds; fails the test with {@code what} after {@code limit}. */
  static void await(String what, Duration limit, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after " + limit + " waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
